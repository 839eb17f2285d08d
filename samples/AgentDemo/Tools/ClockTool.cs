using System;
using System.ComponentModel;
using System.Globalization;

namespace AgentDemo.Tools;

/// <summary>Tells the time: a real tool, so the agent's answer can be checked against the clock.</summary>
internal sealed class ClockTool(TimeProvider time)
{
    [Description("Returns the current date and time in UTC, in ISO 8601 form.")]
    public string get_current_time()
        => time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
