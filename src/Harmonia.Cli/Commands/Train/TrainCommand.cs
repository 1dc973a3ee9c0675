using System.CommandLine;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.Runtime;
using Harmonia.Training.Loop;
using Harmonia.Training.Methods;
using TorchSharp;

namespace Harmonia.Cli.Commands.Train;

/// <summary>
/// <c>harmonia train &lt;method&gt; --data DIR --out DIR [...]</c>: trains a registered method
/// (<see cref="TrainableMethods"/>) with the generic trainer. Each method is a subcommand carrying the common
/// options plus its own (<see cref="TrainableMethod.Options"/>). Ctrl+C stops after the current step with a checkpoint.
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the command with one subcommand per trainable method.</summary>
    public static Command Create()
    {
        var command = new Command("train", "Train a learned method on an iHarmony4-layout dataset (checkpoints, logs, plots, resume).");
        foreach (var method in TrainableMethods.CreateDefault().All) command.Subcommands.Add(CreateMethodCommand(method));
        command.Subcommands.Add(TrainCachedCommand.Create());
        return command;
    }

    static Command CreateMethodCommand(TrainableMethod method)
    {
        var command = new Command(method.Name, method.Description);
        var common = new TrainCommonOptions();
        foreach (var o in common.All) command.Options.Add(o);
        var own = new List<(MethodSetting Setting, Option Option)>();
        foreach (var s in method.Options)
        {
            Option option = s.Default is "true" or "false"
                ? new Option<bool>("--" + s.Key) { Description = s.Description, DefaultValueFactory = _ => s.Default == "true" }
                : new Option<string?>("--" + s.Key) { Description = s.Default.Length > 0 ? $"{s.Description} (default {s.Default})." : s.Description };
            command.Options.Add(option);
            own.Add((s, option));
        }
        command.SetAction(parsed =>
        {
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var (setting, option) in own)
            {
                string? value = option is Option<bool> flag ? (parsed.GetValue(flag) ? "true" : "false") : parsed.GetValue((Option<string?>)option);
                if (value is not null) pairs.Add(new(setting.Key, value));
            }
            return Run(method, common, parsed, MethodSettings.From(pairs));
        });
        return command;
    }

    static int Run(TrainableMethod method, TrainCommonOptions c, ParseResult p, MethodSettings settings)
    {
        TorchRuntime.EnsureAvailable();
        NativeHeap.RetainFreedMemory();
        var options = c.TrainerOptions(p);
        if (method.OwnsAdversary) options = options with { Adversarial = null };
        var (train, validation) = c.OpenLoaders(p);
        int size = p.GetValue(c.Size);
        if (options.Adversarial is { } adv && (adv.InputSize ?? size) < TrainerOptions.PatchDiscriminatorMinimumSize)
            throw new UsageException($"The discriminator needs images of at least {TrainerOptions.PatchDiscriminatorMinimumSize} px (--size or --d-size), or pass --no-adv.");

        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        var task = method.Factory(new TrainingContext(settings, p.GetValue(c.Data)!, size, options.Seed, options.OutputDirectory, p.GetValue(c.BatchSize)));
        var header = $"Training {method.Name}: {train.SampleCount} training images ({train.BatchesPerEpoch} steps/epoch), " +
                     $"{validation.SampleCount} validation images, size {size}, batch {train.Options.BatchSize}, " +
                     $"{options.Optimizer} lr {options.OptimizerSettings.LearningRate:g3}, adversarial {(options.Adversarial is { } a ? $"weight {a.Weight:g3}" : "off")} -> {options.OutputDirectory}";
        var result = TrainingConsole.Run(method.Name, header, (progress, cancel) => new Trainer(task, train, validation, options, progress).Run(cancel));
        Console.WriteLine($"{(result.Stopped ? "Stopped" : "Done")} after {result.Steps} steps. Weights: {result.WeightsPath}" +
                          (result.BestWeightsPath is { } b ? $"; best (val fMSE): {b}" : "") +
                          (result.LastValidation is { } v ? $"; last validation MSE {v.Mse:0.00} fMSE {v.ForegroundMse:0.00} PSNR {v.Psnr:0.00} dB" : ""));
        return result.Stopped ? 130 : 0;
    }
}
