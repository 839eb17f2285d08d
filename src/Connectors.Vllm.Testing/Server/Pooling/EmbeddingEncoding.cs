using System.Buffers.Binary;

namespace Connectors.Vllm.Testing.Server.Pooling;

/// <summary>An embedding as raw bytes in the requested <c>embed_dtype</c> and endianness (base64 and bytes formats).</summary>
internal static class EmbeddingEncoding
{
    public static byte[] Encode(float[] vector, string dtype, bool bigEndian)
    {
        switch (dtype)
        {
            case "float16":
            {
                var bytes = new byte[vector.Length * 2];
                for (var i = 0; i < vector.Length; i++)
                {
                    WriteUInt16(bytes.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)vector[i]), bigEndian);
                }

                return bytes;
            }

            case "bfloat16":
            {
                var bytes = new byte[vector.Length * 2];
                for (var i = 0; i < vector.Length; i++)
                {
                    var bits = BitConverter.SingleToUInt32Bits(vector[i]);
                    var rounded = (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16); // round to nearest even, as torch does
                    WriteUInt16(bytes.AsSpan(i * 2), rounded, bigEndian);
                }

                return bytes;
            }

            case "fp8_e4m3" or "fp8_e5m2":
                throw VllmProblem.Check($"[test server] embed_dtype '{dtype}' is not implemented by the scripted test server.", "embed_dtype");
            default:
            {
                var bytes = new byte[vector.Length * 4];
                for (var i = 0; i < vector.Length; i++)
                {
                    if (bigEndian)
                    {
                        BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(i * 4), vector[i]);
                    }
                    else
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
                    }
                }

                return bytes;
            }
        }
    }

    private static void WriteUInt16(Span<byte> destination, ushort value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, value);
        }
    }
}
