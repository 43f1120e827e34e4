package io.impetus.scaler.provider.ec2;

import io.impetus.core.error.ImpetusException;
import java.net.URI;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;

/**
 * Reads a secret from AWS Systems Manager Parameter Store (a {@code SecureString}, decrypted), so
 * that an EC2 node gets the broker password and the signing key at boot from its instance role
 * instead of from user data, where anyone who can describe the instance reads them. Region and
 * credentials come from the SDK's chains (on EC2: the instance metadata and the instance profile).
 */
public final class SsmParameters {
    private SsmParameters() {
    }

    /**
     * The decrypted value of parameter {@code name}.
     *
     * @param region the region, or {@code null} for the SDK's chain
     * @param endpoint an endpoint override (tests), or {@code null}
     */
    public static String read(String name, String region, URI endpoint) {
        SsmClientBuilder b = SsmClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (region != null) {
            b.region(Region.of(region));
        }
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        try (SsmClient ssm = b.build()) {
            String value = ssm.getParameter(GetParameterRequest.builder().name(name).withDecryption(true).build())
                    .parameter().value();
            if (value == null || value.isEmpty()) {
                throw new ImpetusException("SSM parameter " + name + " is empty");
            }
            return value;
        } catch (SdkException e) {
            throw new ImpetusException("cannot read SSM parameter " + name + ": " + e.getMessage(), e);
        }
    }
}
