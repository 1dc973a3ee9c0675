namespace Harmonia.Evaluation.Study;

/// <summary>One pairwise judgement: <see cref="Winner"/> was preferred to <see cref="Loser"/> (method names).</summary>
public sealed record PairwiseVote(string Winner, string Loser);

/// <summary>A method's Bradley–Terry score: log-strength θ (mean 0 over methods), its 95 % interval, and counts.</summary>
/// <param name="Score">θ_i = ln p_i, centred so the methods' mean is 0. P(i beats j) = 1 / (1 + e^(θ_j − θ_i)).</param>
/// <param name="StandardError">Standard error of θ_i from the Fisher information (see <see cref="BradleyTerry"/>).</param>
/// <param name="Low">θ_i − 1.96·SE.</param>
/// <param name="High">θ_i + 1.96·SE.</param>
public sealed record BradleyTerryScore(string Method, double Score, double StandardError, double Low, double High, int Wins, int Comparisons);

/// <summary>The fitted scores and the win-rate table.</summary>
/// <param name="Methods">Method names, sorted by name; the order of <see cref="Wins"/>.</param>
/// <param name="Wins">Wins[i][j] = votes where method i beat method j.</param>
public sealed record BradleyTerryResult(IReadOnlyList<string> Methods, IReadOnlyList<BradleyTerryScore> Scores, int[][] Wins, int Iterations)
{
    /// <summary>Share of i's comparisons with j that i won, or NaN when they never met.</summary>
    public double WinRate(int i, int j) => Wins[i][j] + Wins[j][i] == 0 ? double.NaN : Wins[i][j] / (double)(Wins[i][j] + Wins[j][i]);
}

/// <summary>
/// Bradley–Terry scores of methods from pairwise votes, fitted by Hunter's (2004) MM algorithm:
/// p_i ← (W_i + prior·(k_i/2)) / Σ_j n_ij / (p_i + p_j), renormalized each step, until the largest relative
/// change is below 1e-10. With <c>prior</c> &gt; 0 every pair of methods that met gets <c>prior</c> pseudo-votes
/// split evenly, which keeps the maximum finite when a method won or lost every comparison (0 = the plain MLE).
/// <para>Intervals: the observed Fisher information of θ = ln p is the weighted graph Laplacian
/// I_ii = Σ_j n_ij π_ij (1 − π_ij), I_ij = −n_ij π_ij (1 − π_ij) with π_ij = p_i/(p_i + p_j); under the constraint
/// Σθ = 0 the covariance is its pseudo-inverse (I + J/k)⁻¹ − J/k (J all ones), and the 95 % interval is
/// θ ± 1.96·√cov_ii (a normal approximation: wide and only indicative for a few dozen votes).</para>
/// </summary>
public static class BradleyTerry
{
    /// <summary>Fits the scores. <paramref name="prior"/>: pseudo-votes per pair of methods that met (default 1).</summary>
    public static BradleyTerryResult Fit(IEnumerable<PairwiseVote> votes, double prior = 1.0, int maxIterations = 10_000)
    {
        var list = votes.ToList();
        var methods = list.SelectMany(v => new[] { v.Winner, v.Loser }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        int k = methods.Count;
        var index = methods.Select((m, i) => (m, i)).ToDictionary(t => t.m, t => t.i, StringComparer.Ordinal);
        var wins = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        foreach (var v in list)
        {
            if (v.Winner == v.Loser) throw new ArgumentException($"A vote compares '{v.Winner}' with itself.");
            wins[index[v.Winner]][index[v.Loser]]++;
        }
        // Smoothed counts: w[i][j] = wins + prior/2 where the pair met.
        var w = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                if (i != j && wins[i][j] + wins[j][i] > 0) w[i, j] = wins[i][j] + prior / 2;
        var p = Enumerable.Repeat(1.0, k).ToArray();
        int iterations = 0;
        for (; iterations < maxIterations && k > 1; iterations++)
        {
            var next = new double[k];
            for (int i = 0; i < k; i++)
            {
                double won = 0, denominator = 0;
                for (int j = 0; j < k; j++)
                {
                    if (i == j) continue;
                    won += w[i, j];
                    double n = w[i, j] + w[j, i];
                    if (n > 0) denominator += n / (p[i] + p[j]);
                }
                next[i] = denominator > 0 ? won / denominator : p[i];
            }
            double logMean = next.Average(v => Math.Log(Math.Max(v, 1e-300)));
            double change = 0;
            for (int i = 0; i < k; i++)
            {
                next[i] = Math.Max(next[i], 1e-300) / Math.Exp(logMean);
                change = Math.Max(change, Math.Abs(next[i] - p[i]) / p[i]);
            }
            p = next;
            if (change < 1e-10) break;
        }
        var theta = p.Select(v => Math.Log(v)).ToArray();
        var se = StandardErrors(p, w);
        var scores = methods.Select((m, i) => new BradleyTerryScore(m, theta[i], se[i], theta[i] - 1.96 * se[i], theta[i] + 1.96 * se[i],
            wins[i].Sum(), Enumerable.Range(0, k).Sum(j => wins[i][j] + wins[j][i]))).ToList();
        return new BradleyTerryResult(methods, scores, wins, iterations);
    }

    static double[] StandardErrors(double[] p, double[,] w)
    {
        int k = p.Length;
        var a = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                if (i == j) continue;
                double n = w[i, j] + w[j, i], pi = p[i] / (p[i] + p[j]), info = n * pi * (1 - pi);
                a[i, j] -= info;
                a[i, i] += info;
            }
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) a[i, j] += 1.0 / k;
        var inverse = Invert(a);
        return Enumerable.Range(0, k).Select(i => inverse is null ? double.PositiveInfinity : Math.Sqrt(Math.Max(0, inverse[i, i] - 1.0 / k))).ToArray();
    }

    /// <summary>Gauss–Jordan inverse with partial pivoting; null when singular (methods never connected by votes).</summary>
    static double[,]? Invert(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inv = new double[n, n];
        for (int i = 0; i < n; i++) inv[i, i] = 1;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (Math.Abs(a[pivot, col]) < 1e-12) return null;
            for (int c = 0; c < n; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                (inv[col, c], inv[pivot, c]) = (inv[pivot, c], inv[col, c]);
            }
            double d = a[col, col];
            for (int c = 0; c < n; c++) { a[col, c] /= d; inv[col, c] /= d; }
            for (int r = 0; r < n; r++)
            {
                if (r == col || a[r, col] == 0) continue;
                double f = a[r, col];
                for (int c = 0; c < n; c++) { a[r, c] -= f * a[col, c]; inv[r, c] -= f * inv[col, c]; }
            }
        }
        return inv;
    }

    /// <summary>The scores and win rates as CSV: one row per method (name, score, se, low, high, wins, comparisons, then win rate against each method).</summary>
    public static string ToCsv(BradleyTerryResult result)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.Append("method,score,se,ci_low,ci_high,wins,comparisons");
        foreach (var m in result.Methods) sb.Append(",winrate_vs_").Append(m);
        sb.Append('\n');
        for (int i = 0; i < result.Methods.Count; i++)
        {
            var s = result.Scores[i];
            sb.Append(string.Format(inv, "{0},{1:F4},{2:F4},{3:F4},{4:F4},{5},{6}", s.Method, s.Score, s.StandardError, s.Low, s.High, s.Wins, s.Comparisons));
            for (int j = 0; j < result.Methods.Count; j++)
            {
                double r = result.WinRate(i, j);
                sb.Append(',').Append(double.IsNaN(r) ? "" : r.ToString("F4", inv));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
