using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Connectors.Vllm.Benchmarks.Reporting;

/// <summary>The machine description printed with every table.</summary>
internal static class MachineInfo
{
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} / {parts[1]} / {parts[2]} (1/5/15 min)";
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    /// <summary>Whether our assemblies were built optimized (Release) or not (Debug), as the figures depend on it.</summary>
    public static string SourceBuild()
    {
        var parts = new System.Collections.Generic.List<string>();
        foreach (var name in new[] { "Connectors.Vllm", "Connectors.Vllm.Discovery" })
        {
            try
            {
                var assembly = System.Reflection.Assembly.Load(name);
                var debuggable = (System.Diagnostics.DebuggableAttribute?)Attribute.GetCustomAttribute(assembly, typeof(System.Diagnostics.DebuggableAttribute));
                parts.Add(name + ": " + (debuggable?.IsJITOptimizerDisabled == true ? "Debug (JIT optimizer disabled)" : "optimized (Release)"));
            }
            catch (IOException)
            {
                parts.Add(name + ": not found");
            }
        }

        return string.Join("; ", parts);
    }

    public static string Describe()
        => string.Create(CultureInfo.InvariantCulture, $"CPU: {CpuModel()}, {Environment.ProcessorCount} logical cores; OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}); .NET: {RuntimeInformation.FrameworkDescription}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
}
