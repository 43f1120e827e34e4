package io.impetus.scaler.provider.ec2;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/**
 * Builds the EC2 provider: the region from {@code --ec2-region} or else the SDK's region chain,
 * credentials from the SDK's default chain.
 */
public final class Ec2Providers {
    private Ec2Providers() {
    }

    /** @throws IllegalArgumentException when the SDK cannot be set up (no region, say), with what to do */
    public static Ec2NodeProvider create(Ec2Settings settings) {
        Ec2ClientBuilder b = Ec2Client.builder().httpClient(UrlConnectionHttpClient.create());
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        if (settings.region() != null) {
            b.region(Region.of(settings.region()));
        }
        Ec2Client client;
        try {
            client = b.build();
        } catch (SdkClientException e) {
            throw new IllegalArgumentException("the ec2 provider cannot start: " + e.getMessage()
                    + (settings.region() == null ? " (pass --ec2-region, or set AWS_REGION)" : ""), e);
        }
        return new Ec2NodeProvider(client, settings);
    }
}
