using System.Diagnostics;
using Harmonia.Core.Errors;

namespace Harmonia.Data.Rendering;

/// <summary>
/// Runs Blender headless on a scene description with the project's render script (<c>render_scene.py</c>, embedded
/// in this assembly and written beside the scene files). One Blender process renders a whole scene (every view in
/// every style), so Blender's start-up and the scene build are paid once per scene.
/// </summary>
public sealed class BlenderRunner
{
    /// <summary>The line the script prints after each render (followed by the render's stem).</summary>
    public const string RenderedMarker = "HARMONIA-RENDERED ";

    /// <summary>The message when Blender cannot be found (one line, says how to install it).</summary>
    public const string MissingMessage =
        "Blender not found: install it once with 'apt-get install blender' (Debian/Ubuntu), or pass --blender PATH.";

    /// <summary>The Blender executable used.</summary>
    public string Executable { get; }

    BlenderRunner(string executable) => Executable = executable;

    /// <summary>
    /// Finds Blender: <paramref name="explicitPath"/> when given, else <c>$HARMONIA_BLENDER</c>, else <c>blender</c> on
    /// the PATH. Returns null when none exists.
    /// </summary>
    public static BlenderRunner? Find(string? explicitPath = null)
    {
        var candidate = explicitPath ?? Environment.GetEnvironmentVariable("HARMONIA_BLENDER");
        if (!string.IsNullOrEmpty(candidate)) return File.Exists(candidate) ? new BlenderRunner(Path.GetFullPath(candidate)) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, OperatingSystem.IsWindows() ? "blender.exe" : "blender");
            if (File.Exists(path)) return new BlenderRunner(path);
        }
        return null;
    }

    /// <summary>Like <see cref="Find"/>, but throws <see cref="HarmoniaException"/> with <see cref="MissingMessage"/> when missing.</summary>
    public static BlenderRunner Require(string? explicitPath = null) => Find(explicitPath) ?? throw new HarmoniaException(
        explicitPath is null ? MissingMessage : $"Blender not found at '{explicitPath}': install it once with 'apt-get install blender', or fix --blender.");

    /// <summary>The render script's text (embedded resource).</summary>
    public static string ScriptText()
    {
        using var stream = typeof(BlenderRunner).Assembly.GetManifestResourceStream("Harmonia.Data.Rendering.render_scene.py")
                           ?? throw new InvalidOperationException("The render script is not embedded in Harmonia.Data.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Blender's version line (e.g. "Blender 3.4.1").</summary>
    public string Version()
    {
        var (code, stdout, stderr) = Run(["-b", "--factory-startup", "--version"], null, CancellationToken.None);
        var line = stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Blender ", StringComparison.Ordinal));
        return code == 0 && line is not null ? line : throw new HarmoniaException($"'{Executable} --version' failed: {LastLine(stderr, stdout)}");
    }

    /// <summary>
    /// Renders the scene in <paramref name="sceneJson"/> into <paramref name="outDir"/> with the script at
    /// <paramref name="scriptPath"/> with <paramref name="threads"/> Cycles threads; <paramref name="rendered"/> is called
    /// after each render with its stem.
    /// Throws <see cref="HarmoniaException"/> (Blender's last error line) when Blender fails.
    /// </summary>
    public void Render(string scriptPath, string sceneJson, string outDir, int threads, Action<string>? rendered, CancellationToken cancel)
    {
        var t = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // "-t" caps Blender's whole task pool, not only Cycles' render threads: with one thread, precomputations such as
        // the sky's importance map also run in a fixed order (their threaded float sums changed a pixel between runs).
        var (code, stdout, stderr) = Run(["-b", "--factory-startup", "-noaudio", "-t", t, "--python-exit-code", "1", "-P", scriptPath, "--", sceneJson, outDir, t],
            line => { if (line.StartsWith(RenderedMarker, StringComparison.Ordinal)) rendered?.Invoke(line[RenderedMarker.Length..].Trim()); }, cancel);
        if (code != 0) throw new HarmoniaException($"Blender failed on '{sceneJson}' (exit {code}): {LastLine(stderr, stdout)}");
    }

    static readonly System.Text.RegularExpressions.Regex PythonException = new(@"^[A-Za-z_][\w.]*(Error|Exception|Exit): ", System.Text.RegularExpressions.RegexOptions.Compiled);

    static string LastLine(string stderr, string stdout)
    {
        var lines = (stderr + "\n" + stdout).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        // A Python exception line ("TypeError: ...") says more than Blender's closing "Error: script failed".
        return lines.LastOrDefault(l => PythonException.IsMatch(l))
               ?? lines.LastOrDefault(l => l.Contains("Error", StringComparison.OrdinalIgnoreCase)) ?? lines.LastOrDefault() ?? "no output";
    }

    (int Code, string Stdout, string Stderr) Run(IEnumerable<string> args, Action<string>? onLine, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = new Process { StartInfo = info };
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is null) return; lock (stdout) stdout.AppendLine(e.Data); onLine?.Invoke(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is null) return; lock (stderr) stderr.AppendLine(e.Data); };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e) { throw new HarmoniaException($"Could not start Blender '{Executable}': {e.Message}"); }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancel.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            process.WaitForExit();
        cancel.ThrowIfCancellationRequested();
        // Keep only the tail of Blender's (chatty) log in memory.
        return (process.ExitCode, Tail(stdout), Tail(stderr));
    }

    static string Tail(System.Text.StringBuilder sb)
    {
        lock (sb) return sb.Length > 20000 ? sb.ToString(sb.Length - 20000, 20000) : sb.ToString();
    }
}
