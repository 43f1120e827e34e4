package io.impetus.scaler.provider.ec2;

import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The bootstrap script shipped with Impetus (resources: bootstrap.sh). */
public final class Ec2Templates {
    private Ec2Templates() {
    }

    public static String defaultBootstrap() {
        try (InputStream in = Ec2Templates.class.getResourceAsStream("bootstrap.sh")) {
            if (in == null) {
                throw new ImpetusException("the ec2 bootstrap template is missing from the distribution");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImpetusException("cannot read the ec2 bootstrap template: " + e, e);
        }
    }
}
