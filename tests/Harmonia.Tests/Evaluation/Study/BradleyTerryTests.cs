using Harmonia.Evaluation.Study;

namespace Harmonia.Tests.Evaluation.Study;

public sealed class BradleyTerryTests
{
    static IEnumerable<PairwiseVote> Votes(string winner, string loser, int n) => Enumerable.Repeat(new PairwiseVote(winner, loser), n);

    [Fact]
    public void Two_methods_3_to_1_give_log3_apart_with_the_hand_computed_interval()
    {
        // MLE: p_A/p_B = 3/1, so θ_A − θ_B = ln 3 and with Σθ = 0, θ_A = ln3/2.
        // Fisher: n π(1−π) = 4·(3/4)(1/4) = 0.75 for the difference, Var(θ_A − θ_B) = 1/0.75;
        // θ_A = (θ_A − θ_B)/2, so SE(θ_A) = sqrt(1/0.75)/2 = 0.57735.
        var fit = BradleyTerry.Fit([.. Votes("A", "B", 3), .. Votes("B", "A", 1)], prior: 0);
        var a = fit.Scores.Single(s => s.Method == "A");
        var b = fit.Scores.Single(s => s.Method == "B");
        Assert.Equal(Math.Log(3) / 2, a.Score, 8);
        Assert.Equal(-Math.Log(3) / 2, b.Score, 8);
        Assert.Equal(Math.Sqrt(1 / 0.75) / 2, a.StandardError, 6);
        Assert.Equal(a.Score - 1.96 * a.StandardError, a.Low, 9);
        Assert.Equal(0.75, fit.WinRate(0, 1), 12);
        Assert.Equal((3, 4), (a.Wins, a.Comparisons));
    }

    [Fact]
    public void A_balanced_cycle_ties_and_a_clean_sweep_stays_finite_with_the_prior()
    {
        // A beats B 2-1, B beats C 2-1, C beats A 2-1: by symmetry every strength is equal.
        var cycle = BradleyTerry.Fit([.. Votes("A", "B", 2), .. Votes("B", "A", 1), .. Votes("B", "C", 2), .. Votes("C", "B", 1), .. Votes("C", "A", 2), .. Votes("A", "C", 1)], prior: 0);
        Assert.All(cycle.Scores, s => Assert.Equal(0, s.Score, 8));

        // A always wins: the MLE is infinite; one pseudo-vote split evenly gives p_A/p_B = 5.5/0.5 = 11.
        var sweep = BradleyTerry.Fit(Votes("A", "B", 5), prior: 1);
        Assert.Equal(Math.Log(11), sweep.Scores[0].Score - sweep.Scores[1].Score, 8);
        Assert.Contains("winrate_vs_B", BradleyTerry.ToCsv(sweep));
    }
}
