package io.impetus.scaler.provider.ec2;

import io.impetus.core.error.ImpetusException;
import io.impetus.scaler.provider.NodeProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileSpecification;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesRequest;

/**
 * Nodes as EC2 instances (AWS SDK for Java v2): RunInstances with the AMI, type, subnet,
 * security groups, key, instance profile, cluster tags and the bootstrap script as user data;
 * waits for each to run within a bound; finds running ones by tag (so a restarted scaler adopts
 * them); terminates by id. Node ids are instance ids: the bootstrap starts the node with
 * {@code IMPETUS_NODE_ID} set to its instance id. Credentials and region come from the SDK's
 * default chains unless the client is given.
 */
public final class Ec2NodeProvider implements NodeProvider {
    private static final Logger log = LoggerFactory.getLogger(Ec2NodeProvider.class);
    private static final Duration POLL = Duration.ofSeconds(2);

    private final Ec2Client ec2;
    private final Ec2Settings settings;

    public Ec2NodeProvider(Ec2Client ec2, Ec2Settings settings) {
        this.ec2 = ec2;
        this.settings = settings;
    }

    @Override
    public String name() {
        return "ec2";
    }

    @Override
    public List<String> launch(int count) {
        RunInstancesRequest.Builder run = RunInstancesRequest.builder()
                .imageId(settings.ami())
                .instanceType(settings.instanceType())
                .minCount(1)
                .maxCount(count)
                .instanceInitiatedShutdownBehavior(ShutdownBehavior.TERMINATE)
                .userData(Base64.getEncoder().encodeToString(settings.renderUserData().getBytes(StandardCharsets.UTF_8)))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(
                        Tag.builder().key(Ec2Settings.CLUSTER_TAG).value(settings.cluster()).build(),
                        Tag.builder().key("Name").value("impetus-node-" + settings.cluster()).build()).build());
        if (settings.subnetId() != null) {
            run.subnetId(settings.subnetId());
        }
        if (!settings.securityGroupIds().isEmpty()) {
            run.securityGroupIds(settings.securityGroupIds());
        }
        if (settings.keyName() != null) {
            run.keyName(settings.keyName());
        }
        if (settings.instanceProfile() != null) {
            run.iamInstanceProfile(IamInstanceProfileSpecification.builder().name(settings.instanceProfile()).build());
        }
        List<String> ids;
        try {
            ids = ec2.runInstances(run.build()).instances().stream().map(Instance::instanceId).toList();
        } catch (SdkException e) {
            log.error("provider ec2: RunInstances failed: {}", e.getMessage());
            return List.of();
        }
        log.info("provider ec2: launched {} (AMI {}, {})", ids, settings.ami(), settings.instanceType());
        return awaitRunning(ids);
    }

    /** Waits, within the launch timeout, until the instances run; those that do not are terminated. */
    private List<String> awaitRunning(List<String> ids) {
        long deadline = System.nanoTime() + settings.launchTimeout().toNanos();
        List<String> pending = new ArrayList<>(ids);
        List<String> running = new ArrayList<>();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (Instance i : describe(DescribeInstancesRequest.builder().instanceIds(pending).build())) {
                if (i.state().name() == InstanceStateName.RUNNING) {
                    running.add(i.instanceId());
                    pending.remove(i.instanceId());
                } else if (Set.of(InstanceStateName.TERMINATED, InstanceStateName.SHUTTING_DOWN, InstanceStateName.STOPPED)
                        .contains(i.state().name())) {
                    log.warn("provider ec2: instance {} ended while starting ({})", i.instanceId(), i.state().name());
                    pending.remove(i.instanceId());
                }
            }
            if (!pending.isEmpty()) {
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!pending.isEmpty()) {
            log.warn("provider ec2: {} did not run within {} s; terminating them", pending,
                    settings.launchTimeout().toSeconds());
            pending.forEach(this::terminate);
        }
        return running;
    }

    @Override
    public List<String> list() {
        return describe(DescribeInstancesRequest.builder().filters(
                Filter.builder().name("tag:" + Ec2Settings.CLUSTER_TAG).values(settings.cluster()).build(),
                Filter.builder().name("instance-state-name").values("pending", "running").build()).build())
                .stream().map(Instance::instanceId).toList();
    }

    private List<Instance> describe(DescribeInstancesRequest request) {
        try {
            return ec2.describeInstancesPaginator(request).reservations().stream()
                    .flatMap(r -> r.instances().stream()).toList();
        } catch (SdkException e) {
            throw new ImpetusException("provider ec2: DescribeInstances failed: " + e.getMessage(), true, e);
        }
    }

    @Override
    public void terminate(String nodeId) {
        try {
            ec2.terminateInstances(TerminateInstancesRequest.builder().instanceIds(nodeId).build());
            log.info("provider ec2: terminated {}", nodeId);
        } catch (SdkException e) {
            log.error("provider ec2: TerminateInstances {} failed: {}", nodeId, e.getMessage());
        }
    }

    @Override
    public void close() {
        ec2.close();
    }
}
