using Harmonia.Core.Imaging;
using Harmonia.ExampleMaker;

// examples/make-examples.sh runs "make"; "preview" writes a small copy of a photo to pick object outlines from.
if (args.Length >= 3 && args[0] == "preview")
{
    var photo = ExampleScenes.LoadFitted(args[1], args.Length > 3 ? int.Parse(args[3]) : 512);
    ImageCodec.Write(photo, args[2]);
    Console.WriteLine($"{args[2]}: {photo.Width}x{photo.Height}");
    return 0;
}
if (args.Length == 3 && args[0] == "make")
{
    foreach (var line in ExampleScenes.MakeAll(args[1], args[2])) Console.WriteLine(line);
    return 0;
}
Console.Error.WriteLine("usage: make <photo folder> <examples folder> | preview <photo> <out.png> [max side]");
return 2;
