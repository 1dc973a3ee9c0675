using System.Runtime.InteropServices;
using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Training.Contracts;
using Harmonia.Training.Methods.S2CRNet;
using Harmonia.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Runtime;

/// <summary>
/// The Scalar race (Models/Runtime/README.md) under a thread that forces garbage collections: the scalar-safe
/// optimizers and the cached-alpha helpers must not fail. TorchSharp's own AdamW and the plain operators run beside
/// them when HARMONIA_SCALAR_RACE_COMPARE=1 and their failures are printed (-1 = not run): the check that tells when
/// upstream fixed the race (they reach 0). Iterations: HARMONIA_SCALAR_RACE_STEPS (default 400 optimizer steps,
/// 50× as many tensor expressions).
/// </summary>
public class ScalarRaceTests(ITestOutputHelper output)
{
    // The unsafe counterparts can also crash the process (a freed Scalar read by libtorch), so they run only on request.
    static readonly bool Compare = Environment.GetEnvironmentVariable("HARMONIA_SCALAR_RACE_COMPARE") == "1";

    static readonly int Steps = int.TryParse(Environment.GetEnvironmentVariable("HARMONIA_SCALAR_RACE_STEPS"), out var n) ? n : 100;

    // A stress run (HARMONIA_SCALAR_RACE_STEPS set) forces full collections back to back, which reproduces the race
    // with TorchSharp's own temporaries (see Runtime/README.md) but makes each training step take seconds in a large
    // heap; the ordinary suite forces a gen-0 collection every millisecond and stops each loop after 10 s.
    static readonly bool Stress = Environment.GetEnvironmentVariable("HARMONIA_SCALAR_RACE_STEPS") is { Length: > 0 };

    static readonly TimeSpan Budget = Stress ? TimeSpan.MaxValue : TimeSpan.FromSeconds(10);

    [Fact]
    public void Scalar_safe_AdamW_survives_forced_collections_and_matches_TorchSharp_AdamW()
    {
        TorchRuntime.EnsureAvailable();
        int safe = FailuresUnderCollections(Steps, ps => new ScalarSafeAdamW(ps, 1e-3, weightDecay: 1e-2));
        int plain = Compare ? FailuresUnderCollections(Steps, ps => torch.optim.AdamW(ps, 1e-3, weight_decay: 1e-2)) : -1;
        output.WriteLine($"AdamW steps under forced GC: {Steps}; failures TorchSharp AdamW {plain}, ScalarSafeAdamW {safe}");
        Assert.Equal(0, safe);

        // Same update as TorchSharp's AdamW (no collections forced here).
        var (a, b) = (TrainedWeights(ps => new ScalarSafeAdamW(ps, 1e-2, weightDecay: 1e-2)), TrainedWeights(ps => torch.optim.AdamW(ps, 1e-2, weight_decay: 1e-2)));
        Assert.True(allclose(a, b, rtol: 1e-5, atol: 1e-6), "ScalarSafeAdamW differs from TorchSharp's AdamW");
    }

    [Fact]
    public void Scalar_safe_Adam_and_RMSProp_match_TorchSharp()
    {
        TorchRuntime.EnsureAvailable();
        Assert.True(allclose(TrainedWeights(ps => new ScalarSafeAdam(ps, 1e-2, weightDecay: 1e-2)), TrainedWeights(ps => torch.optim.Adam(ps, 1e-2, weight_decay: 1e-2)), rtol: 1e-5, atol: 1e-6));
        Assert.True(allclose(TrainedWeights(ps => new ScalarSafeRMSProp(ps, 1e-2, weightDecay: 1e-2)), TrainedWeights(ps => torch.optim.RMSProp(ps, 1e-2, weight_decay: 1e-2)), rtol: 1e-5, atol: 1e-6));
        Assert.True(allclose(TrainedWeights(ps => new ScalarSafeRMSProp(ps, 1e-2, momentum: 0.5, centered: true)), TrainedWeights(ps => torch.optim.RMSProp(ps, 1e-2, momentum: 0.5, centered: true)), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Cached_alpha_expressions_survive_forced_collections()
    {
        TorchRuntime.EnsureAvailable();
        using var x = rand(64);
        using var y = rand(64);
        int iterations = Steps * 50;
        int safe = FailuresUnderCollections(iterations, () => { using var scope = NewDisposeScope(); x.Plus(y).sub(y).mul(TorchScalars.Of(0.5)).Plus(0.25); });
        int plain = Compare ? FailuresUnderCollections(iterations, () => { using var scope = NewDisposeScope(); _ = (x + y - y) * 0.5 + 0.25; }) : -1;
        output.WriteLine($"expressions under forced GC: {iterations}; failures with temporary Scalars {plain}, cached {safe}");
        Assert.Equal(0, safe);
    }

    [Fact]
    public void S2CRNet_training_steps_and_PHNet_passes_survive_forced_collections()
    {
        TorchRuntime.EnsureAvailable();
        manual_seed(5);
        using var s2crnet = new S2CRNetModel(new S2CRNetConfig(Stages: 2, Levels: 16, InputSize: 32));
        var task = new S2CRNetTrainingTask(s2crnet);
        using var images = rand(2, 3, 32, 32);
        using var mask = zeros(2, 1, 32, 32);
        mask[.., .., 8..24, 8..24] = tensor(1f);
        using var labels = full(2, 4, dtype: ScalarType.Int64);
        int steps = Math.Max(10, Steps / 10);
        int Training(OptimizerHelper optimizer) => FailuresUnderCollections(steps, () =>
        {
            using var scope = NewDisposeScope();
            var batch = new HarmonizationBatch(images.alias(), mask.alias(), images.flip(3), labels.alias(), ["a", "b"]);
            optimizer.zero_grad();
            task.Forward(batch).Loss.backward();
            optimizer.step();
        });
        int training, withTorchSharpAdamW = -1;
        using (var safe = new ScalarSafeAdamW(task.TrainableParameters(), 1e-3, weightDecay: 1e-2)) training = Training(safe);
        if (Compare)
            using (var plain = torch.optim.AdamW(task.TrainableParameters(), 1e-3, weight_decay: 1e-2)) withTorchSharpAdamW = Training(plain);

        using var phnet = new PHNetModel(PHNetConfig.Scaled(8, PHNetOutput.Sigmoid));
        phnet.eval();
        int inference = FailuresUnderCollections(steps, () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            phnet.Harmonize(images, mask);
        });
        output.WriteLine($"under forced GC: {steps} S2CRNet training steps, {training} failures ({withTorchSharpAdamW} with TorchSharp's AdamW); {steps} PHNet passes, {inference} failures");
        Assert.Equal(0, training);
        Assert.Equal(0, inference);
    }

    static int FailuresUnderCollections(int steps, Func<IEnumerable<Parameter>, OptimizerHelper> create)
    {
        manual_seed(1);
        using var weights = new ParameterList(Enumerable.Range(0, 16).Select(_ => new Parameter(randn(8))).ToArray());
        using var optimizer = create(weights.parameters());
        return FailuresUnderCollections(steps, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            weights.parameters().Select(p => p.Squared().sum()).Aggregate((s, t) => s.Plus(t)).backward();
            optimizer.step();
        });
    }

    // Runs the action while another thread forces collections (see Stress); counts libtorch's scalar errors.
    static int FailuresUnderCollections(int iterations, Action action)
    {
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (Stress) { GC.Collect(); Thread.Yield(); }
                else { GC.Collect(0, GCCollectionMode.Forced, blocking: true); Thread.Sleep(1); }
            }
        });
        int failures = 0;
        var budget = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < iterations && budget.Elapsed < Budget; i++)
            {
                try { action(); }
                catch (ExternalException e) when (TransientNativeError.Matches(e)) { failures++; }
            }
        }
        finally
        {
            stop.Cancel();
            collector.Wait();
        }
        return failures;
    }

    static Tensor TrainedWeights(Func<IEnumerable<Parameter>, OptimizerHelper> create)
    {
        manual_seed(7);
        var target = randn(32);
        var weight = new Parameter(randn(32));
        using var optimizer = create([weight]);
        for (int i = 0; i < 20; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            weight.sub(target).Squared().sum().backward();
            optimizer.step();
        }
        return weight.detach();
    }
}
