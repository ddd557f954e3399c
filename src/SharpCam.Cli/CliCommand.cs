using System.Reflection;
using Spectre.Console.Cli;

namespace SharpCam.Cli;

/// <summary>One `sharpcam` command: its name, what it does, and the settings type whose attributes declare its options.</summary>
public sealed record CliCommand(string Name, string Description, Type SettingsType, Action<IConfigurator> Register)
{
    public static CliCommand Of<TCommand>(string name, string description) where TCommand : class, ICommand =>
        new(name, description, SettingsOf(typeof(TCommand)), config => config.AddCommand<TCommand>(name).WithDescription(description));

    /// <summary>The long and short option names the command accepts ("--method", "-h"), with Spectre's built-in help.</summary>
    public IReadOnlyList<string> OptionNames =>
        SettingsType.GetProperties().Select(p => p.GetCustomAttribute<CommandOptionAttribute>()).OfType<CommandOptionAttribute>()
            .SelectMany(o => o.LongNames.Select(n => "--" + n).Concat(o.ShortNames.Select(n => "-" + n)))
            .Concat(["--help", "-h"]).ToList();

    /// <summary>The positional arguments' names in order ("RUN_DIR"); empty for most commands.</summary>
    public IReadOnlyList<string> ArgumentNames =>
        SettingsType.GetProperties().Select(p => p.GetCustomAttribute<CommandArgumentAttribute>()).OfType<CommandArgumentAttribute>()
            .OrderBy(a => a.Position).Select(a => a.ValueName).ToList();

    /// <summary>The last positional argument takes any number of words (merge's SHARD_DIR...): no word is stray there.</summary>
    public bool TakesAnyNumberOfArguments =>
        SettingsType.GetProperties().Any(p => p.GetCustomAttribute<CommandArgumentAttribute>() is not null && p.PropertyType.IsArray);

    /// <summary>TSettings of Command&lt;TSettings&gt; or AsyncCommand&lt;TSettings&gt;; a plain Command has none of its own.</summary>
    private static Type SettingsOf(Type command)
    {
        for (var type = command; type is not null; type = type.BaseType)
            if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Command<>) || type.GetGenericTypeDefinition() == typeof(AsyncCommand<>)))
                return type.GetGenericArguments()[0];
        return typeof(EmptyCommandSettings);
    }
}
