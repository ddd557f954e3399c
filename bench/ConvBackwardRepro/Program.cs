using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

// (N, C, H, W, O, k, stride, pad, dilation, groups)
var shapes = new (int n,int c,int h,int o,int k,int s,int p,int d,int g)[] {
  (16,1,28,6,5,1,0,1,1),(16,3,28,6,5,1,0,1,1),(16,6,28,6,5,1,0,1,1),
  (1,3,224,64,7,2,3,1,1),(1,64,56,64,3,1,1,1,1),(1,64,56,128,3,2,1,1,1),(1,64,56,256,1,1,0,1,1),(1,256,56,128,1,2,0,1,1),
  (8,64,56,64,3,1,1,1,1),(1,3,224,64,3,1,1,1,1),(1,512,14,512,3,1,1,1,1),(1,64,56,64,3,1,2,2,1),(1,64,56,64,3,1,1,1,32),
  (1,16,16,16,3,1,1,1,1),(1,8,16,8,3,1,1,1,1),(1,17,16,5,3,1,1,1,1),
};
if (args.Length > 0 && args[0] == "threads1") torch.set_num_threads(1);
Console.WriteLine($"mkldnn={Native.UserEnabledMkldnn(Native.GlobalContext())} threads={torch.get_num_threads()}");
manual_seed(3);
int parallel = args.Contains("parallel") ? 2 : 1;
Parallel.For(0, parallel, new ParallelOptions{MaxDegreeOfParallelism=parallel}, t => {
foreach (var (n,c,h,o,k,s,p,d,g) in shapes) {
  using var scope = NewDisposeScope();
  var w = (randn(o, c/g, k, k) / Math.Sqrt(c/g*k*k)).requires_grad_(args.Contains("wgrad"));
  var b = args.Contains("bias") ? randn(o).requires_grad_(args.Contains("wgrad")) : null;
  var x = randn(n, c, h, h).requires_grad_();
  var y = nn.functional.conv2d(x, w, b, new long[]{s,s}, new long[]{p,p}, new long[]{d,d}, g);
  var gy = (y.detach() > 0).to(ScalarType.Float32);
  var errs = new List<double>();
  for (int rep = 0; rep < 3; rep++) {
    x.grad?.zero_();
    y = nn.functional.conv2d(x, w, b, new long[]{s,s}, new long[]{p,p}, new long[]{d,d}, g);
    if (args.Contains("sum")) { gy = ones_like(y); y.sum().backward(); } else if (args.Contains("inputs")) torch.autograd.backward(new[]{y}, new[]{gy}, inputs: new[]{x}); else y.backward(new[]{gy});
    var exact = nn.functional.conv_transpose2d(gy.to(ScalarType.Float64), w.detach().to(ScalarType.Float64), null, new long[]{s,s}, new long[]{p,p}, new long[]{h - ((y.shape[2]-1)*s - 2*p + d*(k-1) + 1)}, new long[]{d,d}, g);
    var diff = (x.grad!.to(ScalarType.Float64) - exact).abs();
    errs.Add(diff.isnan().any().item<bool>() ? double.NaN : diff.max().item<double>());
  }
  Console.WriteLine($"T{t} N{n} C{c} H{h} O{o} k{k} s{s} p{p} d{d} g{g}: max|err| = {string.Join(", ", errs.Select(e => e.ToString("g3")))}");
}
});
static class Native {
  [DllImport("torch_cpu", EntryPoint = "_ZN2at13globalContextEv")] public static extern IntPtr GlobalContext();
  [DllImport("torch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")] [return: MarshalAs(UnmanagedType.U1)] public static extern bool UserEnabledMkldnn(IntPtr c);
}
