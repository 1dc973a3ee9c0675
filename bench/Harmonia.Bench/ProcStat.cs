using System.Globalization;

namespace Harmonia.Bench;

/// <summary>This process's counters from /proc/self/stat (Linux; elsewhere the readers return null).</summary>
public static class ProcStat
{
    /// <summary>The numeric fields after the command name: field 3 of proc(5) (the state letter, read as 0) is index 0.</summary>
    static long[]? Fields()
    {
        if (!File.Exists("/proc/self/stat")) return null;
        var stat = File.ReadAllText("/proc/self/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ').Take(15).Select((f, i) => i == 0 ? 0 : long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>User + system CPU seconds of this process and of its finished children (e.g. ffmpeg); clock ticks are 1/100 s.</summary>
    public static double? CpuSeconds() => Fields() is { } f ? (f[11] + f[12] + f[13] + f[14]) / 100.0 : null;

    /// <summary>Minor page faults so far: pages the process touched for the first time (fresh memory from the kernel).</summary>
    public static long? MinorFaults() => Fields()?[7];
}
