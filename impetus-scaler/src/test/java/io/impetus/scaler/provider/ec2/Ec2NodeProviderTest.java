package io.impetus.scaler.provider.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The EC2 provider against a local endpoint speaking the EC2 Query API: the requests the SDK really sends. */
class Ec2NodeProviderTest {
    private FakeEc2 fake;
    private Ec2NodeProvider provider;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeEc2();
        Ec2Client client = Ec2Client.builder().endpointOverride(fake.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        provider = new Ec2NodeProvider(client, settings(Duration.ofSeconds(20)));
    }

    static Ec2Settings settings(Duration launchTimeout) {
        return new Ec2Settings("ami-0abc", "t3.small", "subnet-9", List.of("sg-1", "sg-2"), "deploy", "impetus-node",
                "crawl-prod", Ec2Templates.defaultBootstrap(), Map.of("DIST_URL", "https://example.org/impetus.tar.gz",
                "BROKER_HOST", "rabbit.internal", "BROKER_PORT", "5672", "BROKER_USER", "impetus",
                "AUTHKEY_PARAMETER", "/impetus/prod/authkey", "SIGNING_KEY_PARAMETER", "/impetus/prod/signing-key",
                "DIST_SHA256", "a".repeat(64), "VHOST", "impetus", "PREFIX", "impetus", "MPPS", "5"), launchTimeout, null, null);
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void launchSendsRunInstancesWithEverythingANodeNeedsAndWaitsUntilItRuns() {
        List<String> ids = provider.launch(2);

        assertThat(ids).hasSize(2).allSatisfy(id -> assertThat(id).startsWith("i-"));
        Map<String, String> run = fake.requests("RunInstances").get(0);
        assertThat(run).containsEntry("ImageId", "ami-0abc").containsEntry("InstanceType", "t3.small")
                .containsEntry("MinCount", "1").containsEntry("MaxCount", "2").containsEntry("SubnetId", "subnet-9")
                .containsEntry("SecurityGroupId.1", "sg-1").containsEntry("SecurityGroupId.2", "sg-2")
                .containsEntry("KeyName", "deploy").containsEntry("IamInstanceProfile.Name", "impetus-node")
                .containsEntry("InstanceInitiatedShutdownBehavior", "terminate")
                .containsEntry("TagSpecification.1.ResourceType", "instance")
                .containsEntry("TagSpecification.1.Tag.1.Key", "impetus:cluster")
                .containsEntry("TagSpecification.1.Tag.1.Value", "crawl-prod");
        String userData = new String(Base64.getDecoder().decode(run.get("UserData")), StandardCharsets.UTF_8);
        assertThat(userData).startsWith("#!/bin/bash").contains("host = rabbit.internal",
                "mpps = 5", "curl -fsSL 'https://example.org/impetus.tar.gz'", "IMPETUS_NODE_ID=\"$INSTANCE_ID\"",
                "echo '" + "a".repeat(64) + "  /tmp/impetus.tar.gz' | sha256sum -c -",
                "--authkey-ssm-parameter '/impetus/prod/authkey'", "--signing-key-ssm-parameter '/impetus/prod/signing-key'",
                "io.impetus.cli.Impetus node start").doesNotContain("{{").doesNotContain("authkey =");
        assertThat(fake.requests("DescribeInstances")).as("polled until running").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void listFindsTheClustersInstancesByTagAfterARestart() {
        List<String> launched = provider.launch(1);
        List<String> listed = provider.list();
        assertThat(listed).containsExactlyElementsOf(launched);
        Map<String, String> describe = fake.requests("DescribeInstances").get(fake.requests("DescribeInstances").size() - 1);
        assertThat(describe).containsEntry("Filter.1.Name", "tag:impetus:cluster").containsEntry("Filter.1.Value.1", "crawl-prod")
                .containsEntry("Filter.2.Name", "instance-state-name");
    }

    @Test
    void terminateSendsTheInstanceId() {
        String id = provider.launch(1).get(0);
        provider.terminate(id);
        assertThat(fake.requests("TerminateInstances")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("InstanceId.1", id));
        assertThat(provider.list()).doesNotContain(id);
    }

    @Test
    void anInstanceThatNeverRunsIsTerminatedAfterTheBound() {
        fake.pendingPolls = Integer.MAX_VALUE;
        provider.close();
        Ec2Client client = Ec2Client.builder().endpointOverride(fake.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        provider = new Ec2NodeProvider(client, settings(Duration.ofSeconds(3)));
        assertThat(provider.launch(1)).isEmpty();
        assertThat(fake.requests("TerminateInstances")).hasSize(1);
    }

    @Test
    void aPlaceholderWithNoValueIsRefused() {
        Ec2Settings s = new Ec2Settings("ami-1", null, null, List.of(), null, null, "c", "echo {{NOPE}}", Map.of(), null,
                null, null);
        assertThatThrownBy(s::renderUserData).hasMessageContaining("{{NOPE}}");
    }

    @Test
    void aValueThatCouldEscapeItsQuotingIsRefusedAndTheShippedTemplateNeverExpandsValues() {
        for (String evil : List.of("x'; rm -rf / #", "a\nCONFIG\nrm -rf /", "`id`")) {
            Ec2Settings s = new Ec2Settings("ami-1", null, null, List.of(), null, null, "c", "authkey = {{AUTHKEY}}",
                    Map.of("AUTHKEY", evil), null, null, null);
            assertThatThrownBy(s::renderUserData).as(evil).hasMessageContaining("AUTHKEY");
        }
        String template = Ec2Templates.defaultBootstrap();
        assertThat(template).contains("<<'CONFIG'", "curl -fsSL '{{DIST_URL}}'");
        Ec2Settings dollar = new Ec2Settings("ami-1", null, null, List.of(), null, null, "c", "k = {{AUTHKEY}}",
                Map.of("AUTHKEY", "$(reboot)"), null, null, null);
        assertThat(dollar.renderUserData()).isEqualTo("k = $(reboot)"); // literal inside the quoted heredoc
    }

    @Test
    void theRegionOptionSignsEveryRequestForThatRegion() {
        Ec2Settings given = settings(Duration.ofSeconds(20));
        Ec2Settings inRegion = new Ec2Settings(given.ami(), given.instanceType(), given.subnetId(),
                given.securityGroupIds(), given.keyName(), given.instanceProfile(), given.cluster(),
                given.userDataTemplate(), given.templateValues(), given.launchTimeout(), fake.endpoint(), "eu-west-1");
        System.setProperty("aws.accessKeyId", "AKIDREGION");
        System.setProperty("aws.secretAccessKey", "secret");
        try (Ec2NodeProvider viaOptions = Ec2Providers.create(inRegion)) {
            assertThat(viaOptions.launch(1)).hasSize(1);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        assertThat(fake.requests).isNotEmpty().allSatisfy(r -> assertThat(r.get("header.Authorization"))
                .contains("Credential=AKIDREGION/").contains("/eu-west-1/ec2/aws4_request"));
    }

    @Test
    void aMalformedRegionIsRefusedWithTheOptionName() {
        Ec2Settings given = settings(Duration.ofSeconds(20));
        assertThatThrownBy(() -> new Ec2Settings(given.ami(), null, null, List.of(), null, null, "c", "x", Map.of(), null,
                null, "Europe")).hasMessageContaining("--ec2-region").hasMessageContaining("'Europe'");
    }
}
