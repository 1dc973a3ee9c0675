using Harmonia.Core.Randomness;

namespace Harmonia.Data.Perturbations;

/// <summary>One candidate reference for colour transfer: a photo's foreground statistics and object label.</summary>
public sealed record ReferencePhoto(string Stem, string ObjectLabel, ForegroundStatistics Stats);

/// <summary>
/// The photos a transfer may borrow colour statistics from (the same split only, so test composites never see
/// training photos). With probability <see cref="SameLabelProbability"/> the reference has the same object label
/// when another such photo exists; otherwise it is any other photo.
/// </summary>
public sealed class ReferencePool
{
    /// <summary>Probability of preferring a reference with the same object label.</summary>
    public const double SameLabelProbability = 0.75;

    readonly IReadOnlyList<ReferencePhoto> _all;
    readonly Dictionary<string, List<ReferencePhoto>> _byLabel;

    /// <summary>Creates a pool; order is normalised by stem so results do not depend on input order.</summary>
    public ReferencePool(IEnumerable<ReferencePhoto> photos)
    {
        _all = photos.OrderBy(p => p.Stem, StringComparer.Ordinal).ToList();
        _byLabel = _all.Where(p => p.ObjectLabel.Length > 0)
            .GroupBy(p => p.ObjectLabel)
            .ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Number of photos.</summary>
    public int Count => _all.Count;

    /// <summary>Picks a reference other than <paramref name="selfStem"/>; null when the pool has no other photo.</summary>
    public ReferencePhoto? Pick(SeededRandom rng, string selfStem, string label)
    {
        bool preferSame = rng.Chance(SameLabelProbability);
        if (preferSame && label.Length > 0 && _byLabel.TryGetValue(label, out var same) && same.Count > 1)
            return PickExcept(same, selfStem, rng);
        return _all.Count > 1 || (_all.Count == 1 && _all[0].Stem != selfStem) ? PickExcept(_all, selfStem, rng) : null;
    }

    static ReferencePhoto PickExcept(IReadOnlyList<ReferencePhoto> list, string self, SeededRandom rng)
    {
        int selfIndex = -1;
        for (int i = 0; i < list.Count; i++) if (list[i].Stem == self) { selfIndex = i; break; }
        if (selfIndex < 0) return list[rng.NextInt(list.Count)];
        int k = rng.NextInt(list.Count - 1);
        return list[k >= selfIndex ? k + 1 : k];
    }
}
