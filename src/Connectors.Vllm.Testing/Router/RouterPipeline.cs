using System.IO;
using Connectors.Vllm.Testing.Router.Engines;

namespace Connectors.Vllm.Testing.Router;

/// <summary>
/// The test router's one handler: record the call, set the engine's response headers, then the engine's own answers
/// (404 outside its routes, a scripted fault, its models list, its checks) or forward to the backend the engine picks,
/// trying the next live one when a backend cannot be reached, and the engine's "no live engine" answer when none can.
/// </summary>
internal sealed class RouterPipeline(RouterState state, RouterEngine engine, Forwarder forwarder)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        RouterCall call;
        try
        {
            call = await RouterCall.StartAsync(ctx, engine.RequestId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            return; // the client went away while sending
        }

        state.Record(call.Record);

        HttpOut.RecordStatusWhenStarting(ctx.Response, call.Record.SetStatus); // the finally below covers answers that never started
        try
        {
            await HandleAsync(call).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the backend request was cancelled with it.
        }
        finally
        {
            call.Record.SetStatus(ctx.Response.StatusCode);
        }
    }

    private async Task HandleAsync(RouterCall call)
    {
        if (engine.RequestIdResponseHeader is { } header && call.RequestId is { } id)
        {
            call.Context.Response.Headers[header] = id;
        }

        if (!engine.MapPath(call, out var isApi))
        {
            await HttpOut.NotFoundAsync(call.Context).ConfigureAwait(false);
            return;
        }

        if (isApi && await AnswerFaultAsync(call).ConfigureAwait(false))
        {
            return;
        }

        if (isApi && call.IsGet && call.BackendPath == "/v1/models" && await engine.AnswerModelsAsync(call, forwarder).ConfigureAwait(false))
        {
            return;
        }

        if (!await engine.AnswerLocallyAsync(call).ConfigureAwait(false))
        {
            await ForwardAsync(call).ConfigureAwait(false);
        }
    }

    /// <summary>A scripted overload answer: the request's header fault, else a router-wide one.</summary>
    private async Task<bool> AnswerFaultAsync(RouterCall call)
    {
        VllmTestRouterFaultKind? kind;
        if (call.Header(VllmTestRouterFault.HeaderName) is { } header)
        {
            if (!VllmTestRouterFault.TryParse(header, out var one) || !engine.Answers(one!.Kind))
            {
                // A typo or a shape this engine never gives must not silently test the happy path.
                var text = $"[test router] {VllmTestRouterFault.HeaderName} '{header}' is not an answer {state.Options.Mode} gives.";
                await HttpOut.WriteAsync(call.Context, 400, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
                return true;
            }

            kind = one.Kind;
        }
        else
        {
            kind = state.TakeFault()?.Kind;
        }

        if (kind is not { } k)
        {
            return false;
        }

        call.Record.Fault = k;
        await engine.WriteFaultAsync(call, k).ConfigureAwait(false);
        return true;
    }

    private async Task ForwardAsync(RouterCall call)
    {
        var candidates = engine.Candidates(call);
        while (candidates.Count > 0)
        {
            var backend = engine.Pick(call, candidates);
            using var response = await forwarder.SendAsync(call, state.Backend(backend), call.BackendPath).ConfigureAwait(false);
            if (response is null)
            {
                candidates.Remove(backend);
                continue;
            }

            call.Record.Backend = backend;
            engine.OnRouted(call, backend);
            await Forwarder.CopyAsync(response, call.Context).ConfigureAwait(false);
            return;
        }

        await engine.WriteFaultAsync(call, VllmTestRouterFaultKind.NoHealthyBackend).ConfigureAwait(false);
    }
}
