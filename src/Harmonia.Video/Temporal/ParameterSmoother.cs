using Harmonia.Core.Methods;

namespace Harmonia.Video.Temporal;

/// <summary>
/// Exponential moving average of per-frame harmonization parameters over time, in the space of the rendered function
/// (<see cref="IHarmonizationParameters.Interpolate"/>): s_t = s_(t−1) + a·(p_t − s_(t−1)) with
/// a = 1 − exp(−Δt / τ), Δt the time between the two frames' timestamps and τ the time constant in seconds. Because a
/// follows the real time step, variable-frame-rate video is smoothed the same per second as constant-rate video; a
/// step change of the prediction reaches 63 % after τ seconds. <see cref="Reset"/> (at a scene cut) restarts from the
/// next prediction. Causal: the output never depends on future frames. Not thread-safe (one per video).
/// </summary>
public sealed class ParameterSmoother
{
    IHarmonizationParameters? state;
    long lastNs;

    /// <summary>Creates a smoother with time constant <paramref name="timeConstantSeconds"/> ≥ 0 (0 = no smoothing).</summary>
    public ParameterSmoother(double timeConstantSeconds)
    {
        if (!(timeConstantSeconds >= 0) || double.IsInfinity(timeConstantSeconds))
            throw new ArgumentOutOfRangeException(nameof(timeConstantSeconds), "The smoothing time constant must be a finite number of seconds ≥ 0.");
        TimeConstantSeconds = timeConstantSeconds;
    }

    /// <summary>τ in seconds.</summary>
    public double TimeConstantSeconds { get; }

    /// <summary>The weight a new prediction gets after <paramref name="deltaSeconds"/>: 1 − exp(−Δt/τ) (1 when τ is 0 or Δt ≤ 0 is impossible).</summary>
    public double Weight(double deltaSeconds) =>
        TimeConstantSeconds == 0 ? 1.0 : deltaSeconds <= 0 ? 0.0 : 1.0 - Math.Exp(-deltaSeconds / TimeConstantSeconds);

    /// <summary>Forgets the running average: the next <see cref="Smooth"/> returns its prediction as is.</summary>
    public void Reset() => state = null;

    /// <summary>Folds the prediction of the frame at <paramref name="timestampNs"/> into the average and returns the smoothed parameters.</summary>
    public IHarmonizationParameters Smooth(IHarmonizationParameters prediction, long timestampNs)
    {
        if (state is null || state.Kind != prediction.Kind)
            state = prediction;
        else
            state = state.Interpolate(prediction, (float)Weight((timestampNs - lastNs) / 1e9));
        lastNs = timestampNs;
        return state;
    }
}
