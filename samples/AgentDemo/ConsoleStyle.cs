using System.IO;

namespace AgentDemo;

/// <summary>ANSI styling that switches off for redirected output or <c>--no-color</c>.</summary>
internal sealed class ConsoleStyle(TextWriter output, bool enabled)
{
    public TextWriter Output { get; } = output;

    public void Dim(string text) => Write("\u001b[2m", text);

    public void Good(string text) => Write("\u001b[32m", text);

    public void Bad(string text) => Write("\u001b[31m", text);

    public void Plain(string text) => Output.Write(text);

    private void Write(string code, string text)
    {
        if (enabled)
        {
            Output.Write(code);
            Output.Write(text);
            Output.Write("\u001b[0m");
        }
        else
        {
            Output.Write(text);
        }
    }
}
