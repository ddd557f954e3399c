namespace SharpCam.Fuzz;

/// <summary>The contract every harness checks: the reader accepts, or refuses with its documented error naming the input.</summary>
public static class Expect
{
    /// <summary>
    /// Runs <paramref name="read"/>; an exception of type <typeparamref name="TDocumented"/> whose message contains
    /// <paramref name="named"/> (the file or folder the user gave; null when the error has no file to name) is the
    /// reader refusing the input as documented. Any other exception is a finding.
    /// </summary>
    public static void AcceptOrRefuse<TDocumented>(string? named, Action read) where TDocumented : Exception
    {
        try
        {
            read();
        }
        catch (TDocumented e) when (named is null || e.Message.Contains(named, StringComparison.Ordinal))
        {
        }
        catch (TDocumented e)
        {
            throw new FuzzFindingException($"{typeof(TDocumented).Name} does not name {named}: {e.Message}", e);
        }
        catch (FuzzFindingException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new FuzzFindingException($"undocumented {e.GetType().Name} (the documented error is {typeof(TDocumented).Name}): {e.Message}", e);
        }
    }
}
