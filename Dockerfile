# harmonia in a container: the published CLI (self-contained, linux-x64) on Debian 13 slim. Nothing is downloaded
# at run time: the S2CRNet weights are embedded, PHNet's sit beside the binary, libtorch ships in the publish output.
#   docker build -t harmonia .
#   docker run --rm -v "$PWD/data:/data" harmonia harmonize /data/in -o /data/out --shard 0/4
#   docker run --rm -p 8080:8080 harmonia serve --urls http://0.0.0.0:8080
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Harmonia.Cli -c Release -r linux-x64 --self-contained true -o /app

FROM debian:trixie-slim
# libstdc++/libgomp for libtorch; Debian 13's libstdc++ has GLIBCXX_3.4.32, so TorchSharp loads unpatched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libstdc++6 libgomp1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 harmonia
COPY --from=build /app /opt/harmonia
ENV PATH="/opt/harmonia:${PATH}" DOTNET_CLI_TELEMETRY_OPTOUT=1
USER harmonia
WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["harmonia"]
CMD ["--help"]
