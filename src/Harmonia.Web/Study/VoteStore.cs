using Harmonia.Evaluation.Study;
using Microsoft.Data.Sqlite;

namespace Harmonia.Web.Study;

/// <summary>One stored vote: which item, the two methods as shown (left, right), and the preferred one.</summary>
public sealed record StoredVote(long Id, string Time, string Participant, string Item, string Left, string Right, string Winner);

/// <summary>
/// Votes of a study in an SQLite database (table <c>votes</c>: id, time UTC ISO 8601, participant, item, left,
/// right, winner). Every call opens its own pooled connection, so the store is thread-safe.
/// </summary>
public sealed class VoteStore
{
    readonly string connectionString;

    /// <summary>Opens (and creates when missing) the database at <paramref name="path"/>.</summary>
    public VoteStore(string path)
    {
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS votes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time TEXT NOT NULL,
                participant TEXT NOT NULL,
                item TEXT NOT NULL,
                left TEXT NOT NULL,
                right TEXT NOT NULL,
                winner TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Opens a store that must already exist (for <c>harmonia study scores</c>).</summary>
    public static VoteStore OpenExisting(string path) =>
        File.Exists(path) ? new VoteStore(path) : throw new Core.Errors.HarmoniaException($"Cannot read '{path}': file not found.");

    SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Adds a vote.</summary>
    public void Add(string participant, string item, string left, string right, string winner)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO votes (time, participant, item, left, right, winner) VALUES ($t, $p, $i, $l, $r, $w)";
        command.Parameters.AddWithValue("$t", DateTime.UtcNow.ToString("O"));
        command.Parameters.AddWithValue("$p", participant);
        command.Parameters.AddWithValue("$i", item);
        command.Parameters.AddWithValue("$l", left);
        command.Parameters.AddWithValue("$r", right);
        command.Parameters.AddWithValue("$w", winner);
        command.ExecuteNonQuery();
    }

    /// <summary>Every vote in order.</summary>
    public IReadOnlyList<StoredVote> All()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, time, participant, item, left, right, winner FROM votes ORDER BY id";
        using var reader = command.ExecuteReader();
        var votes = new List<StoredVote>();
        while (reader.Read())
            votes.Add(new StoredVote(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        return votes;
    }

    /// <summary>The votes as winner/loser pairs for <see cref="BradleyTerry"/>.</summary>
    public IReadOnlyList<PairwiseVote> Pairwise() =>
        All().Select(v => new PairwiseVote(v.Winner, v.Winner == v.Left ? v.Right : v.Left)).ToList();
}
