using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;

namespace Harmonia.Evaluation;

/// <summary>
/// Runs a method over paired samples (iHarmony4 layout) and scores, per sample, the composite itself and the method's
/// output against the real image under one <see cref="MetricProtocol"/>; aggregates per subset, overall and per
/// foreground-ratio bucket (means of per-sample metrics).
/// </summary>
public static class DatasetEvaluator
{
    /// <summary>Checks that every sample has a real image; throws a <see cref="HarmoniaException"/> naming the missing ones.</summary>
    public static void RequireRealImages(IReadOnlyList<HarmonizationSample> samples)
    {
        var missing = samples.Where(s => s.RealPath is null).ToList();
        if (missing.Count == 0) return;
        var first = missing[0];
        var stem = string.Join('_', first.Name.Split('_')[..^2]);
        throw new HarmoniaException(
            $"eval needs real_images: {missing.Count} of {samples.Count} composites have no real image " +
            $"(first: {first.Subset}/{first.Name} expects {first.Subset}/{IHarmony4Layout.Reals}/{stem}.jpg).");
    }

    /// <summary>
    /// Evaluates <paramref name="samples"/>. Samples are processed <see cref="EvaluationOptions.Parallelism"/> at a
    /// time; the method's <see cref="IHarmonizer.Fit"/> is called by one thread at a time (methods parallelize
    /// internally and need not be thread-safe), decoding and scoring overlap with it.
    /// </summary>
    /// <param name="samples">Samples with real images (checked with <see cref="RequireRealImages"/>).</param>
    /// <param name="method">The method, or null to score only the composite baseline.</param>
    /// <param name="methodName">The method's name for the report (ignored when <paramref name="method"/> is null).</param>
    /// <param name="options">Protocol, threshold, outputs folder, parallelism.</param>
    /// <param name="progress">Called after each sample (from worker threads, serialized).</param>
    /// <param name="cancel">Stops between samples.</param>
    public static EvaluationReport Run(
        IReadOnlyList<HarmonizationSample> samples, IHarmonizer? method, string? methodName, EvaluationOptions options,
        Action<EvaluationProgress>? progress = null, CancellationToken cancel = default)
    {
        if (samples.Count == 0) throw new HarmoniaException("No samples to evaluate.");
        RequireRealImages(samples);
        var results = new SampleEvaluation[samples.Count];
        var methodGate = new object();
        var progressGate = new object();
        int completed = 0;
        try
        {
            Parallel.For(0, samples.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancel },
                i =>
                {
                    results[i] = EvaluateSample(samples[i], method, methodGate, options);
                    lock (progressGate)
                    {
                        completed++;
                        progress?.Invoke(new EvaluationProgress(completed, samples.Count, $"{samples[i].Subset}/{samples[i].Name}"));
                    }
                });
        }
        catch (AggregateException e)
        {
            // Report the first user-facing failure as itself (one message), not as an aggregate.
            var first = e.Flatten().InnerExceptions.FirstOrDefault(x => x is HarmoniaException) ?? e.Flatten().InnerExceptions[0];
            ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }
        return new EvaluationReport(
            options.Protocol.Name,
            method is null ? null : methodName,
            options.MaskThreshold,
            results,
            Summarize(results, r => r.Composite),
            method is null ? null : Summarize(results, r => r.Method!)) { Strength = options.Strength };
    }

    static SampleEvaluation EvaluateSample(HarmonizationSample sample, IHarmonizer? method, object methodGate, EvaluationOptions options)
    {
        var (composite, mask) = FileHarmonizer.Load(sample.CompositePath, sample.MaskPath, options.MaskThreshold);
        var real = ImageCodec.Read(sample.RealPath!);
        if (real.Width != composite.Width || real.Height != composite.Height)
            throw new HarmoniaException(
                $"Real image '{sample.RealPath}' is {real.Width}x{real.Height} but composite '{sample.CompositePath}' is {composite.Width}x{composite.Height}.");
        var reference = options.Protocol.Prepare(real, mask);
        var compositeScores = options.Protocol.Score(reference, composite);
        ImageScores? methodScores = null;
        double? seconds = null;
        string? warning = null;
        if (method is not null)
        {
            RgbImage output;
            var watch = Stopwatch.StartNew();
            lock (methodGate) (output, warning) = FileHarmonizer.Harmonize(method, composite, mask, options.Strength);
            seconds = watch.Elapsed.TotalSeconds;
            if (options.SaveOutputsTo is { } folder)
            {
                var dir = Path.Combine(folder, sample.Subset);
                Directory.CreateDirectory(dir);
                ImageCodec.Write(output, Path.Combine(dir, sample.Name + ".png"));
            }
            methodScores = options.Protocol.Score(reference, output);
        }
        else if (mask.ForegroundCount() == 0)
        {
            warning = "the mask has no foreground pixels";
        }
        return new SampleEvaluation(sample.Subset, sample.Name, composite.Width, composite.Height, mask.ForegroundRatio(),
            compositeScores, methodScores, seconds, warning);
    }

    /// <summary>Aggregates one system's per-sample scores per subset (dataset order), overall and per bucket.</summary>
    public static SystemSummary Summarize(IReadOnlyList<SampleEvaluation> samples, Func<SampleEvaluation, ImageScores> select)
    {
        var subsets = samples.Select(s => s.Subset).Distinct()
            .Select(name => GroupSummary.Of(name, samples.Where(s => s.Subset == name).Select(select).ToList()))
            .ToList();
        var buckets = ForegroundBuckets.All
            .Select(b => GroupSummary.Of(b.Label, samples.Where(s => ForegroundBuckets.Of(s.ForegroundRatio) == b.Label).Select(select).ToList()))
            .ToList();
        return new SystemSummary(subsets, GroupSummary.Of("all", samples.Select(select).ToList()), buckets);
    }
}
