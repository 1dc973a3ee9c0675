using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Loop;

/// <summary>Where a run stands: what a checkpoint records besides tensors.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="Epoch">Epoch to continue in.</param>
/// <param name="BatchInEpoch">Index of the next batch of that epoch.</param>
/// <param name="BestForegroundMse">Best validation fMSE so far (+∞ when none).</param>
/// <param name="ElapsedSeconds">Training wall time so far.</param>
/// <param name="Seed">The run's seed (a resumed run keeps it).</param>
public sealed record TrainingState(long Step, int Epoch, int BatchInEpoch, double BestForegroundMse, double ElapsedSeconds, int Seed)
{
    /// <summary>A fresh run.</summary>
    public static TrainingState Start(int seed) => new(0, 0, 0, double.PositiveInfinity, 0, seed);
}

/// <summary>
/// One-file checkpoints (<c>checkpoint-last.safetensors</c>, written atomically): the generator's state dict under
/// "generator.", the discriminator's under "discriminator.", each optimizer's TorchSharp state as a U8 tensor
/// ("optimizer.generator", "optimizer.discriminator"), and the <see cref="TrainingState"/> plus method name in the metadata.
/// </summary>
public static class Checkpoint
{
    /// <summary>File name of the rolling checkpoint inside the output folder.</summary>
    public const string LastFileName = "checkpoint-last.safetensors";

    const string Format = "harmonia-checkpoint/1";

    /// <summary>
    /// Writes a checkpoint atomically. An optimizer whose state TorchSharp cannot serialize is left out (a resumed run
    /// then restarts its moments) and <paramref name="warn"/> is told.
    /// </summary>
    public static void Save(string path, string method, TrainingState state, nn.Module generator, OptimizerHelper generatorOptimizer,
        nn.Module? discriminator, OptimizerHelper? discriminatorOptimizer, Action<string>? warn = null)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var owned = new List<Tensor>();
        try
        {
            tensors.AddRange(StateDictIO.Named(generator, "generator."));
            if (discriminator is not null) tensors.AddRange(StateDictIO.Named(discriminator, "discriminator."));
            AddOptimizer("optimizer.generator", generatorOptimizer);
            if (discriminatorOptimizer is not null) AddOptimizer("optimizer.discriminator", discriminatorOptimizer);
            var meta = new Dictionary<string, string>
            {
                ["format"] = Format,
                ["method"] = method,
                ["step"] = state.Step.ToString(CultureInfo.InvariantCulture),
                ["epoch"] = state.Epoch.ToString(CultureInfo.InvariantCulture),
                ["batch_in_epoch"] = state.BatchInEpoch.ToString(CultureInfo.InvariantCulture),
                ["best_fmse"] = state.BestForegroundMse.ToString("R", CultureInfo.InvariantCulture),
                ["elapsed_seconds"] = state.ElapsedSeconds.ToString("R", CultureInfo.InvariantCulture),
                ["seed"] = state.Seed.ToString(CultureInfo.InvariantCulture),
            };
            SafeTensors.Write(path, tensors, meta);
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }

        void AddOptimizer(string name, OptimizerHelper optimizer)
        {
            byte[] bytes;
            try { bytes = OptimizerStateBytes.Save(optimizer); }
            catch (Exception e) when (e is NotImplementedException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                warn?.Invoke($"the {optimizer.GetType().Name} state cannot be saved ({e.Message.Split('\n')[0]}); checkpoints hold weights only for it.");
                return;
            }
            var t = torch.tensor(bytes, [bytes.LongLength]);
            owned.Add(t);
            tensors.Add(new(name, t));
        }
    }

    /// <summary>
    /// Loads a checkpoint into the given modules and optimizers (in place) and returns its state.
    /// Throws <see cref="HarmoniaException"/> when it belongs to another method or does not fit the modules.
    /// </summary>
    public static TrainingState Load(string path, string method, nn.Module generator, OptimizerHelper generatorOptimizer,
        nn.Module? discriminator, OptimizerHelper? discriminatorOptimizer)
    {
        var tensors = SafeTensors.Read(path, out var meta);
        try
        {
            if (!meta.TryGetValue("format", out var f) || f != Format) throw new HarmoniaException($"'{path}' is not a Harmonia training checkpoint.");
            if (meta.GetValueOrDefault("method") != method)
                throw new HarmoniaException($"Checkpoint '{path}' was trained with method '{meta.GetValueOrDefault("method")}', not '{method}'.");
            try
            {
                StateDictIO.Load(generator, tensors, strict: true, prefix: "generator.");
                if (discriminator is not null)
                {
                    if (!tensors.Keys.Any(k => k.StartsWith("discriminator.", StringComparison.Ordinal)))
                        throw new HarmoniaException("it has no discriminator (it was trained without --adv; resume with --no-adv)");
                    StateDictIO.Load(discriminator, tensors, strict: true, prefix: "discriminator.");
                }
            }
            catch (HarmoniaException e)
            {
                throw new HarmoniaException($"Checkpoint '{path}' does not fit this model: {e.Message}");
            }
            if (tensors.TryGetValue("optimizer.generator", out var g)) LoadOptimizer(generatorOptimizer, g, path);
            if (discriminatorOptimizer is not null && tensors.TryGetValue("optimizer.discriminator", out var d)) LoadOptimizer(discriminatorOptimizer, d, path);
            return new TrainingState(
                long.Parse(meta["step"], CultureInfo.InvariantCulture),
                int.Parse(meta["epoch"], CultureInfo.InvariantCulture),
                int.Parse(meta["batch_in_epoch"], CultureInfo.InvariantCulture),
                double.Parse(meta["best_fmse"], CultureInfo.InvariantCulture),
                double.Parse(meta["elapsed_seconds"], CultureInfo.InvariantCulture),
                int.Parse(meta["seed"], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException)
        {
            throw new HarmoniaException($"Checkpoint '{path}' has incomplete metadata ({e.Message}).");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    static void LoadOptimizer(OptimizerHelper optimizer, Tensor bytes, string checkpointPath)
    {
        try
        {
            OptimizerStateBytes.Load(optimizer, bytes.data<byte>().ToArray());
        }
        catch (Exception e) when (e is not HarmoniaException)
        {
            throw new HarmoniaException($"Checkpoint '{checkpointPath}': optimizer state does not fit ({e.Message.Split('\n')[0]}); was the optimizer changed?");
        }
    }
}
