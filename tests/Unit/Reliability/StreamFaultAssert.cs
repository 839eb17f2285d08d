using System;
using Connectors.Vllm.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>
/// The stream faults every streamed surface is tested with, and what each must end in: a <see cref="VllmException"/> that
/// says what happened and what had arrived, never a quiet end. For the surfaces beside streamed chat (whose faults are the
/// matrix's): speech to text and text completions.
/// </summary>
internal static class StreamFaultAssert
{
    /// <summary>The faults in header form, mid-answer (after three events) where they have a position.</summary>
    public static readonly string[] Faults = ["close;3", "no-done", "malformed-chunk;3", "error-event;3", "stall;3"];

    /// <summary>Sends <paramref name="fault"/> with every request; a stall is ended by a short StreamIdleTimeout.</summary>
    public static void Inject(VllmProviderOptions options, string fault)
    {
        options.Headers[VllmTestFault.HeaderName] = fault;
        if (fault.StartsWith("stall", StringComparison.Ordinal))
        {
            options.StreamIdleTimeout = TimeSpan.FromMilliseconds(300);
        }
    }

    /// <summary>Asserts that <paramref name="ex"/> says what went wrong and what had arrived (<paramref name="received"/> is the
    /// text the caller had been given), with a hint.</summary>
    public static void SaysWhatArrived(VllmException ex, string fault, string received)
    {
        Assert.False(string.IsNullOrWhiteSpace(ex.Hint));
        var receivedText = $"{received.Length} characters of text";
        switch (fault)
        {
            case "close;3":
                // A reset can drop what had arrived but was not read yet, the headers included: either way the message says so.
                Assert.Matches(@"The stream broke after [1-9][0-9]* bytes|reset the connection before its answer arrived", ex.Message);
                break;
            case "stall;3":
                Assert.Matches(@"The stream stalled: no data for 0\.3 s \(StreamIdleTimeout\) after [1-9][0-9]* bytes", ex.Message);
                break;
            case "no-done":
                Assert.Contains("The stream ended without [DONE]: the answer is incomplete.", ex.Message, StringComparison.Ordinal);
                Assert.Contains(receivedText, ex.Message, StringComparison.Ordinal);
                break;
            case "malformed-chunk;3":
                Assert.Contains("The server sent a malformed chunk", ex.Message, StringComparison.Ordinal);
                Assert.Contains("[malformed", ex.Message, StringComparison.Ordinal);
                Assert.Contains(receivedText, ex.Message, StringComparison.Ordinal);
                break;
            case "error-event;3":
                Assert.Equal("Internal server error", ex.ServerMessage); // vLLM's own words, unchanged
                Assert.Contains(receivedText, ex.Message, StringComparison.Ordinal);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }
}
