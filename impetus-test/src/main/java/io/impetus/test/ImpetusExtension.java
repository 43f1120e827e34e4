package io.impetus.test;

import io.impetus.testkit.TestBroker;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link ImpetusTest}: resolves {@link ImpetusInstallation}
 * parameters, starting an installation the first time one is asked for in a test (or, from a
 * {@code @BeforeAll} method, in a test class) and closing it when that test (or class) ends.
 * Register it with {@code @ImpetusTest}, {@code @ExtendWith(ImpetusExtension.class)}, or
 * {@code @RegisterExtension static ImpetusExtension impetus = new ImpetusExtension(3)} to choose
 * the node's mpps. Thread-safe: tests running in parallel each get their own installation.
 */
public final class ImpetusExtension implements BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ImpetusExtension.class);

    private final Integer mpps;

    /** The node's mpps from {@link ImpetusTest#mpps()}, else {@value ImpetusInstallation#DEFAULT_MPPS}. */
    public ImpetusExtension() {
        this.mpps = null;
    }

    /** A node with {@code mpps} worker processes per stream. */
    public ImpetusExtension(int mpps) {
        ImpetusInstallation.checkMpps(mpps);
        this.mpps = mpps;
    }

    /**
     * Skips each test (or fails it, with {@code IMPETUS_RABBITMQ_REQUIRED=true}) when there is no
     * broker, before a parameter is resolved: a failure there could only be an error.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        TestBroker.get();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ImpetusInstallation.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        int nodeMpps = mpps != null ? mpps : context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, ImpetusTest.class))
                .map(ImpetusTest::mpps).orElse(ImpetusInstallation.DEFAULT_MPPS);
        String name = context.getDisplayName();
        try {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(Installation.class,
                    k -> new Installation(ImpetusInstallation.builder().mpps(nodeMpps).name(name).start()),
                    Installation.class).installation;
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("could not start an Impetus installation for " + name + ": "
                    + e.getMessage(), e);
        }
    }

    /** Closes the installation when the test (or class) that started it ends. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable for later ones
    private record Installation(ImpetusInstallation installation)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            installation.close();
        }
    }
}
