using TorchSharp.Modules;

namespace Harmonia.Models.Runtime;

/// <summary>
/// Guards the optimizers against NaN/inf gradients. Why: libtorch 0.107's CPU Conv2d backward returns NaN gradients
/// now and then for some shapes on this machine (see <see cref="Im2ColConv2d"/>), and one NaN poisons
/// Adam's and Lion's moment buffers for good: AdamW turns the weights into NaN, Lion's sign(NaN) = 0 silently freezes
/// those parameters for the rest of the run (an early PHNet run learned almost nothing that way).
/// </summary>
public static class NonFiniteGradients
{
    /// <summary>Sets every NaN/inf gradient entry to 0 (finite entries are kept); returns how many parameters had any.</summary>
    public static int Zero(IEnumerable<Parameter> parameters)
    {
        int count = 0;
        foreach (var p in parameters)
        {
            if (p.grad is not { } g) continue;
            using var finite = g.isfinite().all();
            if (finite.item<bool>()) continue;
            count++;
            g.nan_to_num_(0, 0, 0);
        }
        return count;
    }
}
