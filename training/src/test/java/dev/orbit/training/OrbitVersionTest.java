package dev.orbit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class OrbitVersionTest {

    private static Properties build(String commit, String dirty) {
        Properties p = new Properties();
        p.setProperty("git_commit", commit);
        p.setProperty("git_dirty", dirty);
        return p;
    }

    @Test
    void theBuildsCommitIsRecordedAndMarkedWhenDirty() {
        String sha = "0123456789abcdef0123456789abcdef01234567";
        assertEquals(sha, OrbitVersion.gitCommit(build(sha, "false")));
        assertEquals(sha + "-dirty", OrbitVersion.gitCommit(build(sha, "true")));
    }

    @Test
    void aBuildOutsideGitRecordsNoCommit() {
        // Maven leaves the placeholders unfiltered when the plugin found no repository.
        assertNull(OrbitVersion.gitCommit(build("${git.commit.id}", "${git.dirty}")));
        assertNull(OrbitVersion.gitCommit(new Properties()));
    }
}
