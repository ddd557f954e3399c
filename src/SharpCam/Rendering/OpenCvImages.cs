using System.Runtime.InteropServices;
using OpenCvSharp;

namespace SharpCam.Rendering;

/// <summary>Copies between SharpCam's picture types and OpenCV matrices: the only place OpenCV's types meet ours.</summary>
internal static class OpenCvImages
{
    /// <summary>A CV_8UC3 copy of the image, channels kept in R, G, B order.</summary>
    public static Mat ToMat(RgbImage image)
    {
        var mat = new Mat(image.Height, image.Width, MatType.CV_8UC3);
        Marshal.Copy(image.Pixels, 0, mat.Data, image.Pixels.Length);
        return mat;
    }

    /// <summary>A CV_8UC3 matrix whose channels are already in R, G, B order.</summary>
    public static RgbImage ToRgbImage(Mat rgb)
    {
        using var continuous = rgb.IsContinuous() ? null : rgb.Clone();
        var source = continuous ?? rgb;
        var image = new RgbImage(source.Width, source.Height);
        Marshal.Copy(source.Data, image.Pixels, 0, image.Pixels.Length);
        return image;
    }

    /// <summary>A CV_32FC1 copy of a [height, width] map.</summary>
    public static Mat ToMat(float[,] map)
    {
        var flat = new float[map.Length];
        Buffer.BlockCopy(map, 0, flat, 0, flat.Length * sizeof(float));
        var mat = new Mat(map.GetLength(0), map.GetLength(1), MatType.CV_32FC1);
        Marshal.Copy(flat, 0, mat.Data, flat.Length);
        return mat;
    }

    public static float[,] ToArray(Mat map)
    {
        using var continuous = map.IsContinuous() ? null : map.Clone();
        var source = continuous ?? map;
        var flat = new float[source.Rows * source.Cols];
        Marshal.Copy(source.Data, flat, 0, flat.Length);
        var array = new float[source.Rows, source.Cols];
        Buffer.BlockCopy(flat, 0, array, 0, flat.Length * sizeof(float));
        return array;
    }

    /// <summary>cv2.applyColorMap(0..255, COLORMAP_JET) as 256 R, G, B triples.</summary>
    public static byte[] JetTable()
    {
        using var ramp = new Mat(Colormap.Size, 1, MatType.CV_8UC1);
        for (int i = 0; i < Colormap.Size; i++) ramp.Set(i, 0, (byte)i);
        using var bgr = new Mat();
        Cv2.ApplyColorMap(ramp, bgr, ColormapTypes.Jet);
        using var rgb = new Mat();
        Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        return ToRgbImage(rgb).Pixels;
    }
}
