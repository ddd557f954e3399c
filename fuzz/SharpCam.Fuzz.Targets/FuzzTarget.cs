namespace SharpCam.Fuzz;

/// <summary>
/// One reader of untrusted bytes, driven the way a user's file reaches it: <see cref="Run"/> writes the bytes where the
/// reader expects them (a file, a run folder, a request) and calls the reader's public entry point with the product's
/// own limits. It returns when the reader accepts the input or refuses it with its documented error; anything else
/// (another exception type, an error that does not name the file, an accepted input that breaks what reads it next)
/// throws <see cref="FuzzFindingException"/> or lets the unexpected exception through: afl counts both as crashes.
/// </summary>
/// <param name="Name">What `fuzz/run.sh` calls it; its seeds are in fuzz/corpus/NAME, its findings in fuzz/regressions/NAME.</param>
/// <param name="Dictionary">The afl dictionary in fuzz/dict (without .dict).</param>
/// <param name="Documented">The reader's documented error, as docs/FUZZING.md lists it.</param>
public sealed record FuzzTarget(string Name, string Dictionary, string Documented, Action<byte[], Scratch> Run);

/// <summary>A reader broke its contract on an input: the message says how.</summary>
public sealed class FuzzFindingException(string message, Exception? inner = null) : Exception(message, inner);
