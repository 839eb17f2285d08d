using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;

namespace AgentDemo.Tools;

/// <summary>Converts between common units of length, mass and temperature.</summary>
internal sealed class UnitConverterTool
{
    // Factors to the base unit of each dimension (metre, kilogram).
    private static readonly Dictionary<string, (string Dimension, double Factor)> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["m"] = ("length", 1), ["meter"] = ("length", 1), ["metre"] = ("length", 1), ["meters"] = ("length", 1), ["metres"] = ("length", 1),
        ["km"] = ("length", 1000), ["kilometer"] = ("length", 1000), ["kilometre"] = ("length", 1000), ["kilometers"] = ("length", 1000), ["kilometres"] = ("length", 1000),
        ["mi"] = ("length", 1609.344), ["mile"] = ("length", 1609.344), ["miles"] = ("length", 1609.344),
        ["ft"] = ("length", 0.3048), ["foot"] = ("length", 0.3048), ["feet"] = ("length", 0.3048),
        ["in"] = ("length", 0.0254), ["inch"] = ("length", 0.0254), ["inches"] = ("length", 0.0254),
        ["kg"] = ("mass", 1), ["kilogram"] = ("mass", 1), ["kilograms"] = ("mass", 1),
        ["g"] = ("mass", 0.001), ["gram"] = ("mass", 0.001), ["grams"] = ("mass", 0.001),
        ["lb"] = ("mass", 0.45359237), ["pound"] = ("mass", 0.45359237), ["pounds"] = ("mass", 0.45359237),
    };

    [Description("Converts a value between units: length (m, km, mi, ft, in), mass (kg, g, lb) or temperature (C, F, K).")]
    public string convert_units(
        [Description("The value to convert.")] double value,
        [Description("The unit of the value, for example 'mi'.")] string from_unit,
        [Description("The unit to convert to, for example 'km'.")] string to_unit)
    {
        if (TryTemperature(value, from_unit, to_unit, out var temperature))
        {
            return Format(value, from_unit, temperature, to_unit);
        }

        if (!Units.TryGetValue(from_unit.Trim(), out var from) || !Units.TryGetValue(to_unit.Trim(), out var to))
        {
            return $"Unknown unit: use one of {string.Join(", ", Units.Keys)}, C, F, K.";
        }

        if (from.Dimension != to.Dimension)
        {
            return $"Cannot convert {from.Dimension} ({from_unit}) to {to.Dimension} ({to_unit}).";
        }

        return Format(value, from_unit, value * from.Factor / to.Factor, to_unit);
    }

    private static bool TryTemperature(double value, string from, string to, out double result)
    {
        static double? ToKelvin(double v, string unit) => unit.Trim().ToUpperInvariant() switch
        {
            "C" or "CELSIUS" => v + 273.15,
            "F" or "FAHRENHEIT" => (v - 32) * 5 / 9 + 273.15,
            "K" or "KELVIN" => v,
            _ => null,
        };

        static double? FromKelvin(double k, string unit) => unit.Trim().ToUpperInvariant() switch
        {
            "C" or "CELSIUS" => k - 273.15,
            "F" or "FAHRENHEIT" => (k - 273.15) * 9 / 5 + 32,
            "K" or "KELVIN" => k,
            _ => null,
        };

        if (ToKelvin(value, from) is { } kelvin && FromKelvin(kelvin, to) is { } converted)
        {
            result = converted;
            return true;
        }

        result = 0;
        return false;
    }

    private static string Format(double value, string from, double result, string to)
        => string.Create(CultureInfo.InvariantCulture, $"{value:0.###} {from} = {result:0.###} {to}");
}
