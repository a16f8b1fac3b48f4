package org.seqzoo.train.cli;

import java.nio.file.Path;

import org.seqzoo.train.bundle.BundleException;
import org.seqzoo.train.bundle.ModelBundle;

/** A command's BUNDLE argument: the model bundle at that path, or a one-line error saying why it is not usable. */
final class BundleArgument {

    private BundleArgument() {
    }

    static ModelBundle load(Path file) {
        try {
            return ModelBundle.load(file);
        } catch (BundleException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
