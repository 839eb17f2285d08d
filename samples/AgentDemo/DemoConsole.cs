using System;
using System.IO;
using System.Threading.Tasks;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AgentDemo;

/// <summary>
/// The demo's output, on Spectre.Console: styled text, tables and a spinner on a colour terminal; plain text (no escape
/// codes, no spinner, borderless tables) with <c>--no-color</c>, <c>NO_COLOR</c> or redirected output.
/// </summary>
internal sealed class DemoConsole
{
    private static readonly Style DimStyle = new(decoration: Decoration.Dim);
    private static readonly Style GoodStyle = new(Color.Green);
    private static readonly Style BadStyle = new(Color.Red);

    private DemoConsole(IAnsiConsole console, bool styled, bool terminal)
    {
        Console = console;
        Styled = styled;
        Terminal = terminal;
    }

    /// <summary>The Spectre console everything is written to.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Whether colours and decorations are written.</summary>
    public bool Styled { get; }

    /// <summary>Whether the output is a terminal (the spinner is shown only there).</summary>
    public bool Terminal { get; }

    /// <summary>A console over <paramref name="output"/>; <paramref name="color"/> false writes no escape codes.</summary>
    public static DemoConsole Create(TextWriter output, bool color)
    {
        // The spinner redraws its line: only on the process's own, unredirected terminal.
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!terminal)
        {
            // Redirected output is read by programs and people's pagers: no wrapping at an assumed 80 columns.
            console.Profile.Width = 240;
        }

        return new DemoConsole(console, color, terminal);
    }

    public void Dim(string text) => Console.Write(text, DimStyle);

    public void Good(string text) => Console.Write(text, GoodStyle);

    public void Bad(string text) => Console.Write(text, BadStyle);

    public void Plain(string text) => Console.Write(text);

    /// <summary>A table: rounded borders when styled, none when plain (one row per line, easy to grep).</summary>
    public Table Table(params string[] columns)
    {
        var table = new Table().Border(Styled ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in columns)
        {
            // Plain: two spaces between columns, so a row splits on runs of spaces.
            table.AddColumn(Styled ? new TableColumn(column) : new TableColumn(column).Padding(0, 0, 2, 0));
        }

        return table;
    }

    public void Write(IRenderable renderable) => Console.Write(renderable);

    /// <summary>A cell: <paramref name="text"/> in <paramref name="style"/> when styled (markup characters are never interpreted).</summary>
    public IRenderable Cell(string text, Style? style = null) => new Text(text, Styled ? style : null);

    public Style Green => GoodStyle;

    public Style Red => BadStyle;

    /// <summary>Awaits <paramref name="work"/> with a spinner saying <paramref name="status"/> on a terminal; plainly elsewhere.</summary>
    public async Task<T> WaitAsync<T>(string status, Func<Task<T>> work)
    {
        if (!Terminal)
        {
            return await work().ConfigureAwait(false);
        }

        return await Console.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync(status, _ => work())
            .ConfigureAwait(false);
    }
}
