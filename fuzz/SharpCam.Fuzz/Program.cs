using System.Runtime.InteropServices;
using SharpCam.Fuzz;
using SharpFuzz;

// `SharpCam.Fuzz TARGET` under afl-fuzz (fuzz/run.sh): each input afl writes goes to the harness. SharpFuzz runs the
// harness in a child process, so a native crash (SkiaSharp, libtorch) or a stack overflow is reported to afl as a
// crash of that input and the child restarted. `SharpCam.Fuzz TARGET FILE...` replays files once, without afl;
// `SharpCam.Fuzz --list` names the targets.
// Instrumented code records its branches in afl's shared map, which only exists once SharpFuzz has attached to afl:
// until then (replay, warm-up) it records them in a private map of the same size, or it would write through null.
unsafe { SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16); }
if (args is ["--list"])
{
    foreach (var t in FuzzTargets.All) Console.WriteLine(t.Name);
    return 0;
}
if (args.Length == 0 || FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"usage: SharpCam.Fuzz TARGET [FILE...] | --list; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return 2;
}
using var scratch = new Scratch();
if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        target.Run(File.ReadAllBytes(file), scratch);
        Console.WriteLine($"{file}: ok");
    }
    return 0;
}
// Warm up on the seeds before afl's clock starts: the first read loads libtorch or Skia and JIT-compiles the reader,
// which would otherwise count against afl's 2-second hang limit on every restart of the child.
if (Environment.GetEnvironmentVariable("SHARPCAM_FUZZ_WARMUP") is { Length: > 0 } seeds && Directory.Exists(seeds))
    foreach (var file in Directory.EnumerateFiles(seeds))
        try { target.Run(File.ReadAllBytes(file), scratch); } catch (Exception) { }   // a seed's finding is afl's to report
Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target.Run(copy.ToArray(), scratch);
    MemoryLimit.Check();
});
return 0;
