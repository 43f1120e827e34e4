package io.impetus.examples;

import io.impetus.client.Client;
import io.impetus.client.ClientOptions;
import io.impetus.client.Job;
import io.impetus.client.Node;
import io.impetus.client.Process;
import io.impetus.client.Progress;
import io.impetus.client.Shutdown;
import io.impetus.client.Startup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The seed's helloworld: 100 x pow(i) on the nodes, summed in stage1. */
public class HelloWorld extends Client {
    private long total;
    private long errors;

    public HelloWorld(ClientOptions options) {
        super(options);
    }

    @Node
    public static int pow(int i) {
        return i * i;
    }

    @Startup
    public void start() {
        for (int i = 0; i < 100; i++) {
            fork(HelloWorld::pow, i);
        }
    }

    @Process
    public void stage1(List<Job> ready, List<Job> failed) {
        for (Job job : ready) {
            total += job.result(Integer.class);
        }
        errors += failed.size();
    }

    @Shutdown
    public void stop(Map<String, Path> ready, Map<String, Path> failed, Progress progress) {
        System.out.println("Total: " + total);
        System.out.println("Errors: " + errors);
        System.out.println("shutting down");
    }

    public static void main(String[] args) {
        new HelloWorld(ClientOptions.fromCommandLine(args).build()).runAsMain();
    }
}
