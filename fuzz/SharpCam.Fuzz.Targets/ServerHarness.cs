using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SharpCam.Server;

namespace SharpCam.Fuzz;

/// <summary>
/// The explorer's untrusted input: an upload (header check, then the server's own decode and size check) and the
/// data-set view's query string (parsed and paged over a run's items). Refusals are <see cref="RequestRefusedException"/>,
/// which the server answers with its status and message.
/// </summary>
public static class ServerHarness
{
    private static readonly ServeOptions Options = new() { RunDir = "." };

    /// <summary>A 10-class run of 64 items, some mistakes, some unlabelled: enough for every filter and order to select something.</summary>
    private static readonly ItemIndex Items = new(Enumerable.Range(0, 64).Select(i => new RunItem(
        $"item{i}", i, i % 7 == 0 ? null : i % 10, null, (i * 3) % 10, null, (i % 17) / 16.0, [])).ToList(), 10);

    /// <summary>What /api/uploads does with the body: <see cref="UploadHeader.Inspect"/>, decode, check the size against the header.</summary>
    public static void Upload(byte[] bytes, Scratch scratch)
    {
        Expect.AcceptOrRefuse<RequestRefusedException>(null, () =>
        {
            var header = UploadHeader.Inspect(bytes, Options.MaxUploadPixels);
            using var files = new ScratchFiles();
            Images.RgbImage picture;
            try
            {
                picture = files.Read(bytes, header.Extension);
            }
            catch (InvalidDataException)
            {
                return;   // the server answers 422 "cannot be decoded" (UploadedImage.Decode)
            }
            if (!header.Matches(picture.Width, picture.Height)) return;   // 422 "decodes to … but its header says …"
        });
    }

    /// <summary>What /api/items does with its query string (<see cref="ItemQuery.Parse"/>, then <see cref="ItemIndex.Query"/>).</summary>
    public static void Query(byte[] bytes, Scratch scratch)
    {
        var query = new QueryCollection(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(bytes)));
        Expect.AcceptOrRefuse<RequestRefusedException>(null, () =>
        {
            var page = Items.Query(ItemQuery.Parse(query, classes: 10));
            if (page.Items.Count > ItemQuery.MaxLimit || page.Total > Items.Count)
                throw new FuzzFindingException($"a page of {page.Items.Count} items of {page.Total}");
        });
    }
}
