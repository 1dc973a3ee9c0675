using System.Security.Cryptography;
using Harmonia.Evaluation.Study;
using Harmonia.Web.Api;
using Harmonia.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Harmonia.Web.Study;

/// <summary>A pair to judge: the item, the two methods in the order shown (left, right), and the image URLs.</summary>
public sealed record StudyPair(string Item, string Left, string Right, string CompositeUrl, string LeftUrl, string RightUrl);

/// <summary>A vote as the page sends it; <see cref="Winner"/> is <see cref="Left"/> or <see cref="Right"/>.</summary>
public sealed record StudyVote(string Participant, string Item, string Left, string Right, string Winner);

/// <summary>One row of the results table.</summary>
public sealed record StudyScores(IReadOnlyList<BradleyTerryScore> Scores, IReadOnlyList<string> Methods, double?[][] WinRates, int Votes);

/// <summary>The study mode's API: a random pair, votes, and the Bradley–Terry results (JSON and CSV).</summary>
public static class StudyEndpoints
{
    /// <summary>Maps <c>/api/study/*</c>, <c>/study/images/{item}/{name}</c> and the results page <c>/results</c>.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/study");
        api.MapGet("/pair", (StudySet set) => NextPair(set)).WithSummary("A random item and two of its methods in random order and sides.");
        api.MapPost("/votes", (StudyVote vote, StudySet set, VoteStore store) =>
        {
            Validate(vote, set);
            store.Add(vote.Participant, vote.Item, vote.Left, vote.Right, vote.Winner);
            return Results.NoContent();
        }).WithSummary("Stores a vote.");
        api.MapGet("/scores", (VoteStore store) => Scores(store)).WithSummary("Bradley–Terry scores with 95 % intervals and the win-rate table.");
        api.MapGet("/scores.csv", (VoteStore store) => Results.Text(BradleyTerry.ToCsv(BradleyTerry.Fit(store.Pairwise())), "text/csv"))
            .WithSummary("The scores and win rates as CSV.");
        app.MapGet("/study/images/{item}/{name}", (string item, string name, StudySet set) =>
        {
            var found = set.Find(item) ?? throw new ApiException(404, $"No study item '{item}'.");
            var bytes = name == "composite" ? found.Composite
                : found.Outputs.TryGetValue(name, out var b) ? b : throw new ApiException(404, $"Item '{item}' has no output of '{name}'.");
            return Results.Bytes(bytes, Api.Uploads.ContentTypeOf(bytes));
        }).ExcludeFromDescription();
        app.MapGet("/results", () => EmbeddedPages.Asset("results.html")).ExcludeFromDescription();
    }

    static StudyPair NextPair(StudySet set)
    {
        var item = set.Items[RandomNumberGenerator.GetInt32(set.Items.Count)];
        var methods = item.Outputs.Keys.Order(StringComparer.Ordinal).ToList();
        int a = RandomNumberGenerator.GetInt32(methods.Count);
        int b = (a + 1 + RandomNumberGenerator.GetInt32(methods.Count - 1)) % methods.Count;
        string left = methods[a], right = methods[b];
        string Url(string name) => $"/study/images/{Uri.EscapeDataString(item.Name)}/{Uri.EscapeDataString(name)}";
        return new StudyPair(item.Name, left, right, Url("composite"), Url(left), Url(right));
    }

    static void Validate(StudyVote vote, StudySet set)
    {
        if (string.IsNullOrWhiteSpace(vote.Participant) || vote.Participant.Length > 64)
            throw new ApiException(400, "A vote needs a participant id of 1-64 characters.");
        var item = set.Find(vote.Item) ?? throw new ApiException(400, $"No study item '{vote.Item}'.");
        if (!item.Outputs.ContainsKey(vote.Left) || !item.Outputs.ContainsKey(vote.Right) || vote.Left == vote.Right)
            throw new ApiException(400, $"Item '{vote.Item}' has no such pair of methods.");
        if (vote.Winner != vote.Left && vote.Winner != vote.Right)
            throw new ApiException(400, "The winner must be the left or the right method.");
    }

    static StudyScores Scores(VoteStore store)
    {
        var votes = store.Pairwise();
        var fit = BradleyTerry.Fit(votes);
        var rates = fit.Methods.Select((_, i) => fit.Methods.Select((_, j) => fit.WinRate(i, j) is var r && double.IsNaN(r) ? (double?)null : Math.Round(r, 4)).ToArray()).ToArray();
        return new StudyScores(fit.Scores, fit.Methods, rates, votes.Count);
    }
}
