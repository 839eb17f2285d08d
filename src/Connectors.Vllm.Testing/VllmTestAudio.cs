using System.Buffers.Binary;

namespace Connectors.Vllm.Testing;

/// <summary>Audio to send to <see cref="VllmTestServer"/>'s speech routes (or to a real Whisper server): it reads the
/// duration of a WAV file from its header, so the transcript names it.</summary>
public static class VllmTestAudio
{
    /// <summary>Creates a 16 kHz mono 16-bit PCM WAV file of silence.</summary>
    /// <param name="seconds">The duration (at least 0).</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative.</exception>
    public static byte[] SilentWav(double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        var dataBytes = (int)(seconds * 32000) & ~1;
        var wav = new byte[44 + dataBytes];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16); // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], 16000); // sample rate
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], 32000); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2); // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16); // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        return wav;
    }
}
