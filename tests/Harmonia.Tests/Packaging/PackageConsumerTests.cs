using System.Diagnostics;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Packaging;

/// <summary>
/// Packs Harmonia.Core and Harmonia.Models (from the Release build the test run already made) into a local folder,
/// builds a tiny consumer whose Program.cs is the README's "Use as a library" code against those packages (other
/// packages from the normal feed, i.e. the local package cache), and runs it on an example. One pack, one build.
/// </summary>
public sealed class PackageConsumerTests
{
    static (int Code, string Output) Run(string workingDirectory, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(600_000)) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} took over 10 minutes"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The first ```csharp block after the README heading "## Use as a library".</summary>
    public static string ReadmeLibraryCode(string readme)
    {
        int section = readme.IndexOf("## Use as a library", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has no '## Use as a library' section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    [SkippableFact]
    public void The_readme_library_code_builds_against_the_packed_packages_and_harmonizes_an_example()
    {
        var root = SharedData.RepoRoot;
        var coreBuild = Path.Combine(root, "src", "Harmonia.Core", "bin", "Release", "net10.0", "Harmonia.Core.dll");
        var modelsBuild = Path.Combine(root, "src", "Harmonia.Models", "bin", "Release", "net10.0", "Harmonia.Models.dll");
        Skip.IfNot(File.Exists(coreBuild) && File.Exists(modelsBuild), "the Release build of src/ is missing (run dotnet test -c Release); skipped.");
        var version = "0.1.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        using var folder = new TempFolder();
        try
        {
            var feed = Directory.CreateDirectory(folder.File("feed")).FullName;
            foreach (var project in new[] { "Harmonia.Core", "Harmonia.Models" })
            {
                var (code, output) = Run(root, "dotnet", "pack", Path.Combine("src", project), "-c", "Release", "--no-build", "-o", feed, $"-p:Version={version}");
                Assert.True(code == 0, output);
            }
            var consumer = Directory.CreateDirectory(folder.File("consumer")).FullName;
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Harmonia.Core" Version="{version}" />
                    <PackageReference Include="Harmonia.Models" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), ReadmeLibraryCode(File.ReadAllText(Path.Combine(root, "README.md"))));
            var (buildCode, buildOutput) = Run(consumer, "dotnet", "build", "-c", "Release", "-o", Path.Combine(consumer, "out"));
            Assert.True(buildCode == 0, buildOutput);

            var work = Directory.CreateDirectory(folder.File("work")).FullName;
            File.Copy(Path.Combine(root, "examples", "drum_composite.jpg"), Path.Combine(work, "composite.jpg"));
            File.Copy(Path.Combine(root, "examples", "drum_mask.png"), Path.Combine(work, "mask.png"));
            var (runCode, runOutput) = Run(work, "dotnet", Path.Combine(consumer, "out", "Consumer.dll"));
            Assert.True(runCode == 0, runOutput);

            var composite = ImageCodec.Read(Path.Combine(work, "composite.jpg"));
            var mask = ImageCodec.ReadMask(Path.Combine(work, "mask.png"));
            var result = ImageCodec.Read(Path.Combine(work, "harmonized.png"));
            int changed = 0, backgroundDiffs = 0;
            for (int i = 0; i < mask.Alpha.Length; i++)
            {
                bool same = result.Pixels[3 * i] == composite.Pixels[3 * i] && result.Pixels[3 * i + 1] == composite.Pixels[3 * i + 1] && result.Pixels[3 * i + 2] == composite.Pixels[3 * i + 2];
                if (mask.Alpha[i] == 0 && !same) backgroundDiffs++;
                if (mask.IsForeground(i) && !same) changed++;
            }
            Assert.Equal(0, backgroundDiffs);
            Assert.True(changed > mask.ForegroundCount() / 10, $"only {changed} foreground pixels changed");
            Assert.True(File.Exists(Path.Combine(work, "curves.json")));
        }
        finally
        {
            foreach (var id in new[] { "harmonia.core", "harmonia.models" })
            {
                var cached = Path.Combine(packages, id, version);
                if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            }
        }
    }
}
