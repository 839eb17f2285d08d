using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Security;

/// <summary>Generators for the parser fuzz tests: arbitrary bytes, and the reference example bodies with random mutations.</summary>
internal static class FuzzInputs
{
    private static readonly byte[][] Tokens = new[]
    {
        "\"", "{", "}", "[", "]", ":", ",", "null", "true", "-1", "1e999", "-9223372036854775809", "\"\\u0000\"", "\\", "\n", "\r\n", "\n\n",
        "data: ", "data:[DONE]", "[DONE]", "\"choices\":", "\"delta\":", "\"error\":", "\"data\":", "\"id\":", "\"message\":", "\"max_model_len\":",
        "\"tool_calls\":", "\"index\":", "\"usage\":", "\"reasoning\":", "\"version\":", "\xff\xfe", "\u00e9", "\ud83d\ude00",
    }.Select(t => Encoding.UTF8.GetBytes(t)).ToArray();

    /// <summary>Cases per property: FUZZ_ITERATIONS, or a CI-sized default.</summary>
    public static long Iterations { get; } = long.TryParse(Environment.GetEnvironmentVariable("FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 400;

    /// <summary>Arbitrary bytes (mostly printable, so that some JSON-looking structure appears).</summary>
    public static Gen<byte[]> Bytes { get; } = Gen.OneOf(
        Gen.Byte.Array[0, 512],
        Gen.Char["{}[]\":,0123456789.-eEtrufalsn \n\\abc"].Array[0, 256].Select(c => Encoding.UTF8.GetBytes(c)));

    /// <summary>Example files from TestData (name filter), each mutated 0–8 times.</summary>
    public static Gen<byte[]> Mutated(Func<string, bool> fileFilter)
    {
        var seeds = Seeds(fileFilter);
        if (seeds.Count == 0)
        {
            throw new InvalidOperationException("no seed files");
        }

        var mutation = Gen.Select(Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Byte);
        return Gen.Select(Gen.Int[0, seeds.Count - 1], mutation.Array[0, 8], (i, mutations) => Apply(seeds[i], mutations));
    }

    public static IReadOnlyList<byte[]> Seeds(Func<string, bool> fileFilter)
        => Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestData"), "*", SearchOption.AllDirectories)
            .Where(f => fileFilter(Path.GetFileName(f)))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();

    private static byte[] Apply(byte[] seed, (int Op, int A, int B, byte Value)[] mutations)
    {
        var bytes = new List<byte>(seed);
        foreach (var (op, a, b, value) in mutations)
        {
            var at = bytes.Count == 0 ? 0 : a % bytes.Count;
            switch (op)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = value; // replace a byte
                    break;
                case 1:
                    bytes.Insert(at, value); // insert a byte
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(1 + (b % 16), bytes.Count - at)); // delete a run
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 4 when bytes.Count > 0:
                    var len = Math.Min(1 + (b % 64), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, len)); // duplicate a run
                    break;
                default:
                    bytes.InsertRange(at, Tokens[b % Tokens.Length]); // insert a JSON/SSE token
                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>Samples <paramref name="gen"/> and parses each case: a <see cref="VllmException"/> (with a message) is an
    /// allowed outcome, anything else fails the property.</summary>
    public static void Run(Gen<byte[]> gen, Action<byte[]> parse)
    {
        gen.Sample(
            body =>
            {
                try
                {
                    parse(body);
                }
                catch (VllmException ex)
                {
                    Assert.False(string.IsNullOrEmpty(ex.Message));
                }
            },
            iter: FuzzInputs.Iterations,
            threads: 1);
    }
}
