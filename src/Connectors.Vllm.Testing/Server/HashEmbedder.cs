using System.Text.RegularExpressions;

namespace Connectors.Vllm.Testing.Server;

/// <summary>
/// Deterministic embeddings: a signed, hashed bag of lower-cased words (plus character trigrams, lightly
/// weighted), L2-normalised. Texts that share words are near; the same text always gives the same vector.
/// </summary>
internal static partial class HashEmbedder
{
    public static float[] Embed(string text, int dimensions)
    {
        var v = new double[dimensions];
        foreach (Match m in WordPattern().Matches(text.ToLowerInvariant()))
        {
            Add(v, m.Value, 1.0);
            var padded = "#" + m.Value + "#";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                Add(v, padded.Substring(i, 3), 0.25);
            }
        }

        return Normalize(v);
    }

    /// <summary>Matryoshka: keep the first <paramref name="dimensions"/> components, renormalise.</summary>
    public static float[] Truncate(float[] full, int dimensions) => Normalize(Array.ConvertAll(full[..dimensions], x => (double)x));

    /// <summary>L2-normalised; the zero vector becomes the first unit vector.</summary>
    private static float[] Normalize(double[] v)
    {
        var result = new float[v.Length];
        var norm = 0.0;
        foreach (var x in v)
        {
            norm += x * x;
        }

        if (norm == 0)
        {
            result[0] = 1f;
            return result;
        }

        norm = Math.Sqrt(norm);
        for (var i = 0; i < v.Length; i++)
        {
            result[i] = (float)(v[i] / norm);
        }

        return result;
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static void Add(double[] v, string feature, double weight)
    {
        var hash = 2166136261u;
        foreach (var c in feature)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var sign = ((hash >> 31) & 1) == 0 ? 1.0 : -1.0;

        // The feature lands once per scale (D, D/2, D/4, ...), each time inside that prefix, so every
        // Matryoshka prefix of the vector still carries the text's features.
        var scale = v.Length;
        var level = 1.0;
        while (scale >= 2)
        {
            v[(int)(hash % (uint)scale)] += sign * weight / level;
            scale /= 2;
            level += 1.0;
        }

        if (v.Length == 1)
        {
            v[0] += sign * weight;
        }
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
