package io.impetus.dist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries of DESIGN.md, checked on the compiled classes of every module. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.impetus");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void coreDependsOnNoOtherImpetusModule() {
        check(noClasses().that().resideInAPackage("io.impetus.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.impetus.coordinator..", "io.impetus.worker..",
                        "io.impetus.scaler..", "io.impetus.client..", "io.impetus.cli..", "io.impetus.examples.."));
    }

    @Test
    void coordinatorWorkerAndScalerNeverImportEachOther() {
        check(noClasses().that().resideInAPackage("io.impetus.coordinator..")
                .should().dependOnClassesThat().resideInAnyPackage("io.impetus.worker..", "io.impetus.scaler..",
                        "io.impetus.client..", "io.impetus.cli.."));
        check(noClasses().that().resideInAPackage("io.impetus.worker..")
                .should().dependOnClassesThat().resideInAnyPackage("io.impetus.coordinator..", "io.impetus.scaler..",
                        "io.impetus.client..", "io.impetus.cli.."));
        check(noClasses().that().resideInAPackage("io.impetus.scaler..")
                .should().dependOnClassesThat().resideInAnyPackage("io.impetus.coordinator..", "io.impetus.worker..",
                        "io.impetus.client..", "io.impetus.cli.."));
    }

    @Test
    void clientApiImportsOnlyCore() {
        check(noClasses().that().resideInAPackage("io.impetus.client..")
                .should().dependOnClassesThat().resideInAnyPackage("io.impetus.coordinator..", "io.impetus.worker..",
                        "io.impetus.scaler..", "io.impetus.cli..", "io.impetus.examples.."));
    }

    @Test
    void onlyTheClientApiUsesItsInternals() {
        check(noClasses().that().resideOutsideOfPackages("io.impetus.client", "io.impetus.client.internal..")
                .should().dependOnClassesThat().resideInAPackage("io.impetus.client.internal.."));
    }

    @Test
    void theClientApisPublicSurfaceHasNoWireTypes() {
        ArchCondition<JavaCodeUnit> noWireTypes = new ArchCondition<>("take and return no wire types") {
            @Override
            public void check(JavaCodeUnit unit, ConditionEvents events) {
                List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                types.add(unit.getRawReturnType());
                for (JavaClass t : types) {
                    if (t.getPackageName().startsWith("io.impetus.core.job")
                            || t.getPackageName().startsWith("io.impetus.client.internal")
                            || t.getPackageName().startsWith("io.impetus.core.broker")) {
                        events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " uses " + t.getName()));
                    }
                }
            }
        };
        check(codeUnits().that().arePublic().or().areProtected().and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideInAPackage("io.impetus.client").should(noWireTypes));
    }

    @Test
    void nothingButTheExamplesUsesTheExamples() {
        check(noClasses().that().resideOutsideOfPackage("io.impetus.examples..")
                .should().dependOnClassesThat().resideInAPackage("io.impetus.examples.."));
    }

    @Test
    void onlyTheAmqpAdapterTouchesTheRabbitMqClient() {
        // the benchmark's raw baseline is a plain amqp-client program by design
        check(noClasses().that().resideOutsideOfPackages("io.impetus.core.broker.amqp..", "io.impetus.bench..")
                .should().dependOnClassesThat().resideInAPackage("com.rabbitmq.client.."));
    }

    @Test
    void onlyTheEc2AdapterTouchesTheAwsSdk() {
        check(noClasses().that().resideOutsideOfPackage("io.impetus.scaler.provider.ec2..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.."));
    }

    @Test
    void onlyTheKubernetesAdapterTouchesTheKubernetesClient() {
        check(noClasses().that().resideOutsideOfPackage("io.impetus.scaler.provider.kubernetes..")
                .should().dependOnClassesThat().resideInAPackage("io.fabric8.."));
    }
}
