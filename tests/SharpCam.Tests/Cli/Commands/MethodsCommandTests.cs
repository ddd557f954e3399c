namespace SharpCam.Tests.Cli.Commands;

[Collection(CliRunner.Collection)]
public class MethodsCommandTests
{
    [Fact]
    public void ListsEveryRegisteredMethod()
    {
        var (code, output) = CliRunner.Run("methods");
        Assert.Equal(0, code);
        Assert.All(SharpCam.Cam.CamMethods.All, m => Assert.Contains(m.Name, output));
    }
}
