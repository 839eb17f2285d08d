namespace Connectors.Vllm.Testing.Server;

/// <summary>Thrown inside the request pipeline to answer with one of vLLM's error bodies.</summary>
internal sealed class VllmProblem : Exception
{
    public VllmProblem(int status, string type, string message, string? param)
        : base(message)
    {
        Status = status;
        ErrorType = type;
        Param = param;
    }

    public int Status { get; }

    public string ErrorType { get; }

    public string? Param { get; }

    /// <summary>A non-OpenAI body (FastAPI's <c>{"detail":…}</c>), written as is.</summary>
    public byte[]? RawBody { get; private init; }

    /// <summary>The route does not exist for this model kind: FastAPI's plain 404.</summary>
    public static VllmProblem RouteNotFound() => new(404, "NotFound", "Not Found", null) { RawBody = Http.HttpOut.NotFoundBody };

    /// <summary>A vLLM check (VLLMValidationError): message gets " (parameter=p, value=v)".</summary>
    public static VllmProblem Check(string message, string? param, string? value = null, bool appendParameter = true)
    {
        if (appendParameter && param is not null)
        {
            message += value is null ? $" (parameter={param})" : $" (parameter={param}, value={value})";
        }

        return new VllmProblem(400, "BadRequestError", message, param);
    }

    /// <summary>A pydantic validation error: type "Bad Request", param "body.x".</summary>
    public static VllmProblem Validation(string pyType, string[] loc, string msg, string inputRepr)
    {
        var locRepr = "(" + string.Join(", ", Array.ConvertAll(loc, l => l.Length > 0 && char.IsAsciiDigit(l[0]) ? l : "'" + l + "'")) + (loc.Length == 1 ? ",)" : ")");
        var message = $"1 validation error:\n  {{'type': '{pyType}', 'loc': {locRepr}, 'msg': '{msg}', 'input': {inputRepr}}}";
        var param = loc.Length > 1 ? string.Join('.', loc) : null;
        return new VllmProblem(400, "Bad Request", message, param);
    }

    /// <summary>pydantic's "Field required" for the field at <paramref name="loc"/> (<c>body</c>, then the path) missing from <paramref name="input"/>.</summary>
    public static VllmProblem Missing(JsonNode? input, params string[] loc) => Validation("missing", loc, "Field required", PyText.Repr(input));

    /// <summary><paramref name="problem"/>'s error body (with its own <c>code</c>) sent with another HTTP status.</summary>
    public static VllmProblem WithStatus(int status, VllmProblem problem, EmulatedVersion version) =>
        new(status, problem.ErrorType, problem.Message, problem.Param)
        {
            RawBody = JsonOut.Build(w => JsonOut.WriteError(w, version, problem.Status, problem.ErrorType, problem.Message, problem.Param)),
        };

    public static VllmProblem NotFoundModel(string model, bool withParam) =>
        new(404, "NotFoundError", $"The model `{model}` does not exist.", withParam ? "model" : null);
}
