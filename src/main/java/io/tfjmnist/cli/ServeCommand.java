package io.tfjmnist.cli;

import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.serving.ModelServer;
import io.tfjmnist.serving.ModelVersions;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.serving.ServeConfig;
import io.tfjmnist.serving.ServedModel;
import io.tfjmnist.serving.VersionFolders;
import io.tfjmnist.serving.VersionPolicy;
import io.tfjmnist.tensors.Kernels;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: TF Serving's REST API (status, metadata, predict), a drawing page, Prometheus
 * metrics and a health check for one model, until SIGTERM/SIGINT (which let in-flight requests
 * finish).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serve a model over TF Serving's REST API, with a drawing page at / and metrics at /metrics.",
        "  GET  /v1/models/NAME            model status",
        "  GET  /v1/models/NAME/metadata   signature",
        "  POST /v1/models/NAME:predict    {\"instances\": [...]} or {\"inputs\": ...}"})
public final class ServeCommand implements Callable<Integer> {
  @Mixin
  KernelsOption kernels;

  @Mixin
  ModelOption modelOption;

  @Option(names = "--weights", paramLabel = "PREFIX",
      description = "Older name of --model for weights and Keras files (default: mnist).")
  Path weights;

  @Option(names = "--saved-model", paramLabel = "DIR",
      description = "Older name of --model for a SavedModel folder, served through its own signature.")
  Path savedModel;

  @Option(names = "--signature", paramLabel = "KEY",
      description = "SavedModel signature to serve (default: serving_default, or the only one).")
  String signature;

  @Option(names = "--model-name", defaultValue = "mnist", description = "Name in the URLs (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--model-version", defaultValue = "1", description = "Version reported and accepted (default: ${DEFAULT-VALUE}).")
  long modelVersion;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for all).")
  String host;

  @Option(names = "--port", defaultValue = "8501", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--preprocess", defaultValue = "mnist", paramLabel = "NAME",
      converter = PredictCommand.PreprocessingConverter.class,
      description = "How {\"b64\": ...} images become input: mnist or predict-py, as predict's --preprocess "
          + "(default: ${DEFAULT-VALUE}).")
  Preprocessing preprocess;

  /** The spelling this flag had before it took predict's, still accepted. */
  @Option(names = "--preprocessing", hidden = true, paramLabel = "NAME",
      converter = PredictCommand.PreprocessingConverter.class)
  void preprocessing(Preprocessing p) {
    preprocess = p;
  }

  @Option(names = "--max-batch", defaultValue = "64",
      description = "Most images merged into one session run; 1 = no micro-batching (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(names = "--exact-batching", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Every Dense product has the same number of rows (padded), so an image's probabilities are"
          + " bit for bit the same whatever it is batched with; --no-exact-batching runs any size, faster when"
          + " few requests wait (default: ${DEFAULT-VALUE}).")
  boolean exactBatching;

  @Option(names = "--batch-runners", defaultValue = "2",
      description = "Merged batches that may run at the same time, each on one core (default: ${DEFAULT-VALUE}).")
  int batchRunners;

  @Option(names = "--threads", defaultValue = "64", description = "HTTP request threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--tf-threads", defaultValue = "1",
      description = "TF intra/inter-op threads per session run; 0 = TF's default (one per core). 1 is fastest"
          + " for serving: concurrency comes from parallel requests and batches (default: ${DEFAULT-VALUE}).")
  int tfThreads;

  @Option(names = "--max-body-mb", defaultValue = "10", description = "Request body limit in MiB; larger gets 413 (default: ${DEFAULT-VALUE}).")
  int maxBodyMb;

  @Option(names = "--idle-timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "Close connections idle this long, e.g. a client that stops sending (default: ${DEFAULT-VALUE}).")
  int idleTimeout;

  @Option(names = "--request-timeout", defaultValue = "20", paramLabel = "SECONDS",
      description = "A request must arrive whole, headers and body, within this time of its first byte, however"
          + " steadily it drips; else its connection is closed (default: ${DEFAULT-VALUE}).")
  int requestTimeout;

  @Option(names = "--max-connections", defaultValue = "1024",
      description = "Open connections at most; from 90 %% of it the slowest clients are closed to make room"
          + " (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--max-image-mp", defaultValue = "12", paramLabel = "MEGAPIXELS",
      description = "Largest {\"b64\": ...} image, width x height from its header, checked before decoding"
          + " (default: ${DEFAULT-VALUE}, a 4000x3000 phone photo).")
  double maxImageMp;

  @Option(names = "--max-request-mp", defaultValue = "24", paramLabel = "MEGAPIXELS",
      description = "Most pixels all images of one request may declare together (default: ${DEFAULT-VALUE}).")
  double maxRequestMp;

  @Option(names = "--stop-timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "On SIGTERM, time in-flight requests get to finish; those still running then get 503"
          + " (default: ${DEFAULT-VALUE}).")
  int stopTimeout;

  // ---- TF Serving's gRPC API and model layout ----

  @Option(names = "--model-base-path", paramLabel = "DIR",
      description = "Serve the version folders of DIR (DIR/1, DIR/2, ...) as TF Serving does, by default the highest;"
          + " each holds a SavedModel or one .keras, .weights.h5, .h5 file or checkpoint. The folder's number is the"
          + " version.")
  Path modelBasePath;

  @Option(names = "--model-version-policy", paramLabel = "POLICY", defaultValue = "latest",
      description = "Which version folders of --model-base-path are served, as TF Serving's model_version_policy:"
          + " latest (the highest), latest:N, all, or specific:1,3 (default: ${DEFAULT-VALUE}).")
  String versionPolicy;

  @Option(names = "--version-labels", paramLabel = "FILE",
      description = "Version labels for --model-base-path, as LABEL=VERSION lines (stable=1); requests name them"
          + " by REST's /labels/LABEL or gRPC's model_spec.version_label. Read again at every poll.")
  Path versionLabels;

  @Option(names = "--poll-seconds", paramLabel = "N", defaultValue = "0",
      description = "Look at --model-base-path every N seconds: new versions load in the background and replace the"
          + " old ones once available, removed ones unload when their requests end (default: ${DEFAULT-VALUE},"
          + " read once at start).")
  double pollSeconds;

  /**
   * The versions --model-base-path serves, checked against the options it replaces; null without it.
   * Each version is loaded as {@code serve} loads one model, exactness probe included.
   */
  private ModelVersions baseVersions() {
    if (modelBasePath == null) {
      boolean versionOptions = versionLabels != null || pollSeconds != 0
          || spec.commandLine().getParseResult().hasMatchedOption("--model-version-policy");
      require(!versionOptions, "--model-version-policy, --version-labels and --poll-seconds go with --model-base-path");
      return null;
    }
    if (weights != null || savedModel != null || modelOption.model != null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give either --model-base-path or --model (--weights/--saved-model), not both");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--model-version")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--model-version does not go with --model-base-path: the version folder's number is the version");
    }
    require(pollSeconds >= 0 && pollSeconds <= 86_400, "--poll-seconds must be 0..86400, got " + pollSeconds);
    VersionPolicy policy;
    try {
      policy = VersionPolicy.parse(versionPolicy);
    } catch (TfjMnistException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--model-version-policy: " + e.getMessage());
    }
    VersionFolders.list(modelBasePath); // a clear sentence now when the folder is missing or holds no version
    return ModelVersions.fromFolder(modelName, modelBasePath, policy, versionLabels,
        v -> ServedModel.fromVersionFolder(modelName, v, tfThreads, exactBatching));
  }

  @Option(names = "--grpc-port", paramLabel = "PORT",
      description = "Also serve TF Serving's gRPC API (PredictionService, ModelService) on this port of --host, as"
          + " TF Serving does on 8500; 0 picks a free one (default: no gRPC).")
  Integer grpcPort;

  /** The gRPC options checked and put into the server's config. */
  private ServeConfig withGrpc(ServeConfig config) {
    require(grpcPort == null || (grpcPort >= 0 && grpcPort <= 65535), "--grpc-port must be 0..65535, got " + grpcPort);
    return grpcPort == null ? config : config.withGrpcPort(grpcPort);
  }

  /** The gRPC line of the start-up banner, when gRPC is on. */
  private static void printGrpc(PrintWriter out, ModelServer server) {
    if (server.grpcPort() >= 0) {
      String h = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
      out.printf(Locale.ROOT, "  gRPC           %s:%d  tensorflow.serving.PredictionService, ModelService%n", h,
          server.grpcPort());
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    CommandLine cl = spec.commandLine();
    ModelVersions versions = baseVersions();
    ModelOption.Chosen chosen = versions != null ? null : modelOption.choose(Path.of("mnist"), weights, savedModel);
    if (signature != null && chosen != null && !chosen.isSavedModel()) {
      throw new CommandLine.ParameterException(cl, "--signature applies to a SavedModel only; " + chosen.path()
          + " is a " + chosen.kind().description());
    }
    require(port >= 0 && port <= 65535, "--port must be 0..65535, got " + port);
    require(maxBatch >= 1, "--max-batch must be at least 1, got " + maxBatch);
    require(batchRunners >= 1, "--batch-runners must be at least 1, got " + batchRunners);
    require(threads >= 4, "--threads must be at least 4, got " + threads);
    require(tfThreads >= 0, "--tf-threads must be 0 or more, got " + tfThreads);
    require(maxBodyMb >= 1 && maxBodyMb <= 1024, "--max-body-mb must be 1..1024, got " + maxBodyMb);
    require(idleTimeout >= 1, "--idle-timeout must be at least 1 second, got " + idleTimeout);
    require(stopTimeout >= 0, "--stop-timeout must be 0 or more, got " + stopTimeout);
    require(requestTimeout >= 1, "--request-timeout must be at least 1 second, got " + requestTimeout);
    require(maxConnections >= 10, "--max-connections must be at least 10, got " + maxConnections);
    require(maxImageMp >= 0.001 && maxImageMp <= 1000, "--max-image-mp must be 0.001..1000, got " + maxImageMp);
    require(maxRequestMp >= maxImageMp && maxRequestMp <= 100_000,
        "--max-request-mp must be at least --max-image-mp (" + maxImageMp + ") and at most 100000, got " + maxRequestMp);
    require(modelVersion >= 0, "--model-version must be 0 or more, got " + modelVersion);
    require(!modelName.isEmpty() && !modelName.contains("/") && !modelName.contains(":"),
        "--model-name must be non-empty without '/' or ':', got '" + modelName + "'");
    Preprocessing pre = preprocess;

    ServeConfig config = ServeConfig.defaults()
        .withHost(host).withPort(port)
        .withMaxBodyBytes(maxBodyMb * 1024L * 1024L)
        .withMaxThreads(threads)
        .withIdleTimeoutMillis(idleTimeout * 1000L)
        .withRequestTimeoutMillis(requestTimeout * 1000L)
        .withMaxConnections(maxConnections)
        .withImagePixelLimits(Math.round(maxImageMp * 1e6), Math.round(maxRequestMp * 1e6))
        .withStopTimeoutMillis(stopTimeout * 1000L)
        .withBatching(maxBatch, batchRunners)
        .withPreprocessing(pre);
    config = withGrpc(config);

    PrintWriter out = cl.getOut();
    boolean ownGraph = chosen != null && chosen.isSavedModel()
        && ModelOption.javaRebuild(chosen, signature != null).isEmpty();
    ModelServer server;
    if (versions != null) {
      server = ModelServer.start(versions, config, Math.round(pollSeconds * 1000));
    } else {
      ServedModel one = ownGraph
          ? ServedModel.fromSavedModel(modelName, modelVersion, chosen.path(), signature, exactBatching)
          : ModelOption.withHint(chosen, () -> ServedModel.fromCheckpoint(modelName, modelVersion, chosen.path(),
              chosen.architecture(), tfThreads, exactBatching));
      server = ModelServer.start(one, config);
    }
    ServedModel model = server.model();

    Thread hook = new Thread(() -> {
      System.err.println("serve: stopping; letting in-flight requests finish (up to " + stopTimeout + " s)");
      server.close();
      System.err.println("serve: stopped");
    }, "serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    String base = server.uri().toString();
    out.printf(Locale.ROOT, "Serving model '%s' version %d (%s, loaded in %.2f s)%n", model.name(), model.version(),
        model.source(), model.loadSeconds());
    if (versions == null) {
      ModelOrigin.print(chosen.path(), ModelFiles.provenance(chosen.path()), cl.getErr());
    } else {
      printVersions(out, versions, cl);
    }
    out.printf(Locale.ROOT, "Listening on %s  (micro-batching: %s; %s; %s kernels)%n", base,
        config.batching() ? "up to " + maxBatch + " images merged, " + batchRunners + " runs at a time" : "off",
        model.policy().describe(), Kernels.active());
    out.printf("  drawing page   %s%n", base);
    out.printf("  model status   GET  %sv1/models/%s%n", base, model.name());
    out.printf("  metadata       GET  %sv1/models/%s/metadata%n", base, model.name());
    out.printf("  predict        POST %sv1/models/%s:predict%n", base, model.name());
    out.printf("  metrics        GET  %smetrics   health: GET %shealthz%n", base, base);
    printGrpc(out, server);
    out.flush();

    server.join();
    server.close(); // returns once the hook's close (if any) has finished
    return 0;
  }

  /** Each version's state at start, and where the served ones came from. */
  private void printVersions(PrintWriter out, ModelVersions versions, CommandLine cl) {
    for (ModelVersions.Status s : versions.statuses(modelName, null, null)) {
      out.printf(Locale.ROOT, "  version %d  %s%s%n", s.version(), s.state(), s.error().isEmpty() ? "" : "  " + s.error());
      if (s.state() == ModelVersions.State.AVAILABLE) {
        Path dir = modelBasePath.resolve(Long.toString(s.version()));
        Path served = VersionFolders.isSavedModel(dir) ? dir : VersionFolders.modelFile(dir);
        ModelOrigin.print(served, ModelFiles.provenance(served), cl.getErr());
      }
    }
    if (pollSeconds > 0) {
      out.printf(Locale.ROOT, "  watching %s every %s s (policy %s)%n", modelBasePath, pollSeconds,
          VersionPolicy.parse(versionPolicy).describe());
    }
  }

  private void require(boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }
}
