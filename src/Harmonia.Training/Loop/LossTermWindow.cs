namespace Harmonia.Training.Loop;

/// <summary>
/// Running means of the loss terms and the throughput since the last log row. Terms keep the order in which they
/// first appeared (the column order of <c>log.csv</c>).
/// </summary>
internal sealed class LossTermWindow(double startSeconds)
{
    readonly Dictionary<string, double> sums = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);
    readonly List<string> order = [];
    long samples;
    double start = startSeconds;

    /// <summary>Every term seen so far, in first-seen order.</summary>
    public IReadOnlyList<string> TermOrder => order;

    /// <summary>Adds one step's terms and its batch size.</summary>
    public void Add(IEnumerable<(string Name, double Value)> terms, long batchSize)
    {
        foreach (var (name, value) in terms)
        {
            if (!sums.ContainsKey(name)) { sums[name] = 0; counts[name] = 0; if (!order.Contains(name)) order.Add(name); }
            sums[name] += value;
            counts[name]++;
        }
        samples += batchSize;
    }

    /// <summary>Mean of each term over the window (terms with no value in it are left out).</summary>
    public Dictionary<string, double> Averages() =>
        sums.Where(kv => counts[kv.Key] > 0).ToDictionary(kv => kv.Key, kv => kv.Value / counts[kv.Key]);

    /// <summary>Samples per second since the window started.</summary>
    public double SamplesPerSecond(double nowSeconds) => samples / Math.Max(1e-9, nowSeconds - start);

    /// <summary>Starts a new window at <paramref name="nowSeconds"/> (terms stay known).</summary>
    public void Reset(double nowSeconds)
    {
        foreach (var k in sums.Keys.ToList()) { sums[k] = 0; counts[k] = 0; }
        samples = 0;
        start = nowSeconds;
    }
}
