using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>The official <c>Projection</c> wrapper: one linear layer named <c>fc1</c> (its optional final ReLU is off in the official config).</summary>
public sealed class Projection : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1;

    /// <summary>Linear in → out.</summary>
    public Projection(long inFeatures, long outFeatures) : base(nameof(Projection))
    {
        fc1 = nn.Linear(inFeatures, outFeatures);
        RegisterComponents();
    }

    /// <summary>(N, in) → (N, out).</summary>
    public override Tensor forward(Tensor x) => fc1.forward(x);

    /// <summary>The layer, for initialization.</summary>
    internal Linear Layer => fc1;
}

/// <summary>
/// One CRM (official <c>CurveRenderwithConcat</c>): raw P = φ_f(F_f) + φ_b(F_b), 3 × L values.
/// Semantic CRM: φ_f is replaced by <c>fc_f_label</c> over [F_f, MLP(one-hot)] with MLP = 5→32 ReLU →64.
/// The label layers exist in every head (as in the official state dict) but are used only when semantic is on.
/// </summary>
/// <remarks>
/// Harmonia's hidden-layer variant (<see cref="S2CRNetConfig.Hidden"/> &gt; 0) keeps the names: <c>fc_f_1</c> and
/// <c>fc_b_1</c> (and <c>fc_f_label</c>) project to the hidden width, their sum passes a ReLU, and <c>fc_out</c>
/// maps it to 3·L — the official head is the special case without <c>fc_out</c>.
/// </remarks>
public sealed class CurveHead : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    readonly Projection fc_f_1;
    readonly Projection fc_b_1;
    readonly Linear fc_label_1;
    readonly Linear fc_label_2;
    readonly Linear fc_f_label;
    readonly Linear? fc_out;

    /// <summary>Creates a head producing 3·<paramref name="levels"/> raw parameters from <paramref name="featureWidth"/>-wide pooled features.</summary>
    public CurveHead(int levels, int featureWidth = 512, int hidden = 0) : base(nameof(CurveHead))
    {
        long outFeatures = 3L * levels;
        long projection = hidden > 0 ? hidden : outFeatures;
        fc_f_1 = new Projection(featureWidth, projection);
        fc_b_1 = new Projection(featureWidth, projection);
        fc_label_1 = nn.Linear(S2CRNetConfig.ClassCount, 32);
        fc_label_2 = nn.Linear(32, 64);
        fc_f_label = nn.Linear(featureWidth + 64, projection);
        if (hidden > 0) fc_out = nn.Linear(hidden, outFeatures);
        RegisterComponents();
    }

    /// <summary>F_f, F_b: (N, 512) pooled features; labelOneHot: (N, 5) or null (plain CRM). Returns raw P (N, 3·L).</summary>
    public override Tensor forward(Tensor fFeature, Tensor bFeature, Tensor? labelOneHot)
    {
        using var scope = NewDisposeScope();
        Tensor paramF;
        if (labelOneHot is not null)
        {
            var label = fc_label_2.forward(nn.functional.relu(fc_label_1.forward(labelOneHot)));
            paramF = fc_f_label.forward(torch.cat([fFeature, label], 1));
        }
        else
        {
            paramF = fc_f_1.forward(fFeature);
        }
        // Not `paramF + ...`: TorchSharp 0.107's Tensor + Tensor creates a temporary alpha Scalar that a concurrent
        // garbage collection can free mid-call (see TorchScalars); inference must run while eval workers allocate.
        var sum = paramF.add(fc_b_1.forward(bFeature), TorchScalars.Of(1));
        return (fc_out is null ? sum : fc_out.forward(nn.functional.relu(sum))).MoveToOuterDisposeScope();
    }

    /// <summary>The layers that carry gradient in the given mode.</summary>
    public IEnumerable<Parameter> UsedParameters(bool semantic)
    {
        IEnumerable<nn.Module> layers = semantic
            ? [fc_label_1, fc_label_2, fc_f_label, fc_b_1]
            : [fc_f_1, fc_b_1];
        if (fc_out is not null) layers = layers.Append(fc_out);
        return layers.SelectMany(l => l.parameters());
    }

    /// <summary>
    /// Scales the final layers' weights and zeroes their biases so the raw output starts near a constant: with the
    /// softplus activation every curve then starts close to the identity (training starts from "no change").
    /// </summary>
    public void InitializeNearIdentity(double weightScale)
    {
        using var _ = torch.no_grad();
        // With a hidden layer only the output layer is scaled: the hidden features stay informative.
        foreach (var l in fc_out is null ? new[] { fc_f_1.Layer, fc_b_1.Layer, fc_f_label } : [fc_out])
        {
            l.weight!.mul_(TorchScalars.Of(weightScale));
            l.bias!.zero_();
        }
    }
}
