package io.impetus.scaler.provider.ec2;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/** Builds the EC2 provider with the SDK's default credential and region chains. */
public final class Ec2Providers {
    private Ec2Providers() {
    }

    public static Ec2NodeProvider create(Ec2Settings settings) {
        Ec2ClientBuilder b = Ec2Client.builder().httpClient(UrlConnectionHttpClient.create());
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return new Ec2NodeProvider(b.build(), settings);
    }
}
