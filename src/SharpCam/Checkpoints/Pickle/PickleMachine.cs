using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace SharpCam.Checkpoints.Pickle;

/// <summary>
/// A small pickle virtual machine for what <c>torch.save</c> and Lightning write (protocols 2–5). It never imports or
/// calls anything: a global resolves only through <see cref="PickleAllowList"/> and is otherwise refused on sight, so a
/// malicious file fails before any tensor exists. Results are inert .NET values: null, bool, long, BigInteger, double,
/// string, byte[], tuple (object?[]), list (List&lt;object?&gt;), dict (Dictionary&lt;object, object?&gt;, also for
/// OrderedDict and AttributeDict, empty or built from (key, value) pairs), set (HashSet&lt;object?&gt;),
/// <see cref="StorageRef"/> and <see cref="TensorRef"/>.
/// </summary>
internal sealed class PickleMachine
{
    private const int MaxLineLength = 1024;

    private readonly Stream stream;
    private readonly string path;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();
    private readonly Dictionary<string, StorageRef> storages;

    private PickleMachine(Stream stream, string path, Dictionary<string, StorageRef> storages)
    {
        this.stream = stream;
        this.path = path;
        this.storages = storages;
    }

    /// <summary>
    /// Runs one pickle from the stream's position to its STOP opcode. Storages it references are added to
    /// <paramref name="storages"/> by key. The stream must be seekable (lengths are checked against what is left).
    /// </summary>
    public static object? Load(Stream stream, string path, Dictionary<string, StorageRef>? storages = null) =>
        new PickleMachine(stream, path, storages ?? new Dictionary<string, StorageRef>()).Run();

    private object? Run()
    {
        while (true)
        {
            long at = stream.Position;
            int op = stream.ReadByte();
            switch (op)
            {
                case -1: throw Corrupt("it ends before the pickle's STOP opcode");
                case 0x80: // PROTO
                    int protocol = ReadByte();
                    if (protocol > 5) throw Corrupt($"it uses pickle protocol {protocol}; SharpCam reads protocols 2 to 5");
                    break;
                case 0x95: ReadBytes(8); break; // FRAME: a length hint only
                case '.': return Pop(); // STOP
                case '(': marks.Push(stack.Count); break; // MARK
                case '0': Pop(); break; // POP
                case '1': PopMark(); break; // POP_MARK
                case '2': Push(Top()); break; // DUP

                case 'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case 'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case 'K': Push((long)ReadByte()); break; // BININT1
                case 'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)))); break; // LONG4
                case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT

                case 'X': Push(ReadText(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // BINUNICODE
                case 0x8c: Push(ReadText(ReadByte())); break; // SHORT_BINUNICODE
                case 0x8d: Push(ReadText(BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8)))); break; // BINUNICODE8
                case 'B': Push(ReadBytes(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // BINBYTES
                case 'C': Push(ReadBytes(ReadByte())); break; // SHORT_BINBYTES
                case 0x8e or 0x96: Push(ReadBytes(BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8)))); break; // BINBYTES8, BYTEARRAY8

                case ')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case 't': Push(PopMark().ToArray()); break; // TUPLE
                case 0x85: Push(PopMany(1)); break; // TUPLE1
                case 0x86: Push(PopMany(2)); break; // TUPLE2
                case 0x87: Push(PopMany(3)); break; // TUPLE3
                case ']': Push(new List<object?>()); break; // EMPTY_LIST
                case 'a': { var item = Pop(); Target<List<object?>>("APPEND").Add(item); break; }
                case 'e': { var items = PopMark(); Target<List<object?>>("APPENDS").AddRange(items); break; }
                case '}': Push(new Dictionary<object, object?>()); break; // EMPTY_DICT
                case 's': { var value = Pop(); var key = Pop(); SetItem(Target<Dictionary<object, object?>>("SETITEM"), key, value); break; }
                case 'u': SetItems(PopMark()); break; // SETITEMS
                case 0x8f: Push(new HashSet<object?>()); break; // EMPTY_SET
                case 0x90: { var items = PopMark(); Target<HashSet<object?>>("ADDITEMS").UnionWith(items); break; }
                case 0x91: Push(new HashSet<object?>(PopMark())); break; // FROZENSET

                case 'q': memo[ReadByte()] = Top(); break; // BINPUT
                case 'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Top(); break; // LONG_BINPUT
                case 0x94: memo[memo.Count] = Top(); break; // MEMOIZE
                case 'h': Push(Recall(ReadByte())); break; // BINGET
                case 'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET

                case 'c': Push(Resolve(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93: { var name = Pop(); var module = Pop(); Push(Resolve(AsText(module), AsText(name))); break; } // STACK_GLOBAL
                case 'i': throw new UnsafeCheckpointException(path, $"{ReadLine()}.{ReadLine()}", "instantiates"); // INST
                case 'R': { var args = AsTuple(Pop(), "REDUCE"); Push(Call(Pop(), args)); break; }
                case 0x81: { var args = AsTuple(Pop(), "NEWOBJ"); Push(Instantiate(Pop(), args)); break; }
                case 0x92: // NEWOBJ_EX
                {
                    var kwargs = Pop();
                    var args = AsTuple(Pop(), "NEWOBJ_EX");
                    var cls = Pop();
                    if (kwargs is not Dictionary<object, object?> { Count: 0 }) throw Refused(cls, "instantiates with keyword arguments");
                    Push(Instantiate(cls, args));
                    break;
                }
                case 'b': // BUILD sets Python attributes (e.g. OrderedDict's _metadata): inert on a dict, refused elsewhere
                    Pop();
                    if (Top() is not Dictionary<object, object?>)
                        throw Corrupt($"its pickle sets the state of a {Describe(Top())}, which a state dict never does");
                    break;
                case 'Q': Push(PersistentLoad(Pop())); break; // BINPERSID

                default:
                    throw Corrupt($"its pickle uses opcode 0x{op:x2} ('{(char)op}') at byte {at}, which is not one that torch.save " +
                                  "writes (SharpCam reads pickle protocols 2 to 5, without extension codes or out-of-band buffers)");
            }
        }
    }

    private object? Resolve(string module, string name) =>
        PickleAllowList.Find(module, name) ?? throw new UnsafeCheckpointException(path, $"{module}.{name}", "imports");

    /// <summary>REDUCE: only the tensor rebuild functions and the dict classes may be called.</summary>
    private object Call(object? callable, object?[] args) => callable switch
    {
        AllowedGlobal { Kind: GlobalKind.OrderedDict or GlobalKind.AttributeDict } dictClass =>
            DictFrom(args) ?? throw Refused(dictClass, "calls"),
        AllowedGlobal { Kind: GlobalKind.RebuildTensor } => RebuildTensor(args),
        // A Parameter is its data tensor; requires_grad, hooks and Python attributes do not matter for inference.
        AllowedGlobal { Kind: GlobalKind.RebuildParameter } when args is [TensorRef data, _, _] => data,
        AllowedGlobal { Kind: GlobalKind.RebuildParameterWithState } when args is [TensorRef data, _, _, _] => data,
        _ => throw Refused(callable, "calls"),
    };

    /// <summary>NEWOBJ: only dict classes, with no arguments; they become plain dicts.</summary>
    private object Instantiate(object? cls, object?[] args) => cls switch
    {
        AllowedGlobal { Kind: GlobalKind.OrderedDict or GlobalKind.AttributeDict } when args.Length == 0 => new Dictionary<object, object?>(),
        _ => throw Refused(cls, "instantiates"),
    };

    /// <summary>
    /// OrderedDict() and AttributeDict() called with no argument, or with one tuple or list of (key, value) 2-tuples:
    /// <c>OrderedDict(())</c> (TorchSharp.PyBridge's empty hooks), <c>OrderedDict([(k, v), …])</c>. Null for any other
    /// argument (a dict, a generator, more arguments), which is refused.
    /// </summary>
    private Dictionary<object, object?>? DictFrom(object?[] args)
    {
        IReadOnlyList<object?>? pairs = args switch
        {
            [] => [],
            [object?[] tuple] => tuple,
            [List<object?> list] => list,
            _ => null,
        };
        if (pairs is null || !pairs.All(pair => pair is object?[] { Length: 2 })) return null;
        var dict = new Dictionary<object, object?>();
        foreach (var pair in pairs.Cast<object?[]>()) SetItem(dict, pair[0], pair[1]);
        return dict;
    }

    private Exception Refused(object? target, string action) => target is AllowedGlobal global
        ? new UnsafeCheckpointException(path, global.Name, action)
        : Corrupt($"its pickle {action} a {Describe(target)}, which is not a callable global");

    /// <summary>torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).</summary>
    private TensorRef RebuildTensor(object?[] args)
    {
        if (args is not [StorageRef storage, long offset, object?[] size, object?[] stride, bool, _, ..] || args.Length > 7
            || size.Length != stride.Length || offset < 0)
            throw Corrupt("its pickle rebuilds a tensor with arguments that are not (storage, offset, size, stride, …)");
        return new TensorRef(storage, offset, Dimensions(size), Dimensions(stride));
    }

    private long[] Dimensions(object?[] values) =>
        values.Select(v => v is long n and >= 0 ? n : throw Corrupt("a tensor has a size or stride that is not a non-negative integer")).ToArray();

    /// <summary>
    /// torch's persistent id of a storage: ('storage', storage class, key, location, numel); the legacy format adds a
    /// view-metadata slot that torch ≥ 1.x always leaves None. The location (e.g. 'cuda:0') is ignored: SharpCam loads to the CPU.
    /// </summary>
    private StorageRef PersistentLoad(object? pid)
    {
        if (pid is not object?[] { Length: 5 or 6 } id || id[0] is not "storage" || id[2] is not string key || id[4] is not long numel || numel < 0)
            throw Corrupt($"its pickle has a persistent id that is not a torch storage reference ({Describe(pid)})");
        if (id[1] is not AllowedGlobal { Kind: GlobalKind.Storage } type) throw Refused(id[1], "uses as a storage type");
        if (id.Length == 6 && id[5] is not null)
            throw Corrupt("it uses storage views (written by torch before 1.0); load and re-save it with a current torch");
        var storage = new StorageRef(key, type.StorageType, numel);
        if (storages.TryGetValue(key, out var seen) && seen != storage)
            throw Corrupt($"storage '{key}' is referenced with two different types or sizes");
        return storages[key] = storage;
    }

    private void SetItems(List<object?> items)
    {
        if (items.Count % 2 != 0) throw Corrupt("its pickle's SETITEMS has an odd number of items");
        var dict = Target<Dictionary<object, object?>>("SETITEMS");
        for (int i = 0; i < items.Count; i += 2) SetItem(dict, items[i], items[i + 1]);
    }

    private void SetItem(Dictionary<object, object?> dict, object? key, object? value) =>
        dict[key ?? throw Corrupt("its pickle has a dict with a None key")] = value;

    private static object ReadLongValue(byte[] bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        // Boxed as long where it fits: a bare ternary would widen the long back to BigInteger.
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private object ReadLong(long length) => length < 0 ? throw Corrupt("a LONG4 has a negative length") : ReadLongValue(ReadBytes(length));

    private string ReadText(long length) => Encoding.UTF8.GetString(ReadBytes(length));

    private string ReadLine()
    {
        var bytes = new List<byte>();
        for (int b = ReadByte(); b != '\n'; b = ReadByte())
        {
            if (bytes.Count == MaxLineLength) throw Corrupt("its pickle has a global name longer than 1024 bytes");
            bytes.Add((byte)b);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private int ReadByte()
    {
        int b = stream.ReadByte();
        return b >= 0 ? b : throw Corrupt("it ends in the middle of its pickle");
    }

    private byte[] ReadBytes(long count)
    {
        if (count < 0 || count > stream.Length - stream.Position) throw Corrupt("it ends in the middle of its pickle");
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private void Push(object? value) => stack.Add(value);

    private int Floor => marks.Count > 0 ? marks.Peek() : 0;

    private object? Top() => stack.Count > Floor ? stack[^1] : throw Corrupt("its pickle reads from an empty stack");

    private object? Pop()
    {
        var value = Top();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object?[] PopMany(int count)
    {
        if (stack.Count - Floor < count) throw Corrupt("its pickle reads from an empty stack");
        var items = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return items;
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw Corrupt("its pickle closes a MARK it never opened");
        int start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private T Target<T>(string opcode) where T : class =>
        Top() as T ?? throw Corrupt($"its pickle's {opcode} targets a {Describe(Top())}");

    private object? Recall(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw Corrupt($"its pickle reads memo slot {index}, which was never written");

    private object?[] AsTuple(object? value, string opcode) =>
        value as object?[] ?? throw Corrupt($"its pickle's {opcode} has arguments that are not a tuple");

    private string AsText(object? value) => value as string ?? throw Corrupt("its pickle's STACK_GLOBAL names are not strings");

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        object?[] => "tuple",
        List<object?> => "list",
        Dictionary<object, object?> => "dict",
        AllowedGlobal g => g.Name,
        _ => value.GetType().Name,
    };

    private CheckpointReadException Corrupt(string problem) => CheckpointReadException.Damaged(path, problem);
}
