/**
 * The API's types, generated from /openapi.json by `npm run client:generate`: do not edit.
 * A test fails when this file and the document disagree.
 */
export interface paths {
    "/api/admin/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's notification channels and the kinds each takes; secrets are never included (scope admin) */
        get: operations["getNotificationChannels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change the notification channels: a channel given is merged key by key (leave the secret out to keep it), null removes it. URLs must be https to a public address (OUTBOUND_ALLOW_PRIVATE lifts that for local testing). Audited (scope admin) */
        patch: operations["updateNotificationChannels"];
        trace?: never;
    };
    "/api/admin/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause the organization's agents (no `stages`: every stage; with `stages`: only those). Running issues stop at their next step and wait; new ones are accepted and wait too. Audited (scope admin) */
        post: operations["pauseAgents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume (no `stages`: everything, the stage flags included; with `stages`: those). Held issues continue exactly where they stopped. Audited (scope admin) */
        post: operations["resumeAgents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What holds the organization's issues: the installation's kill switch and stage flags, its own, and the two together (scope admin) */
        get: operations["getAgentControls"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit trail of human and admin actions, newest first (scope admin) */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/builders/feature": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start the Feature Builder: add a capability (a permission, an input, an output, a section) to a published skill, described in plain words; the draft takes the minor or major version the change needs, is dry-run on the examples as the persona, and waits for a decision (audited; scope admin) */
        post: operations["startFeatureBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/builders/form": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start the Form Generator: describe the form(s) the organization needs; the agent reads the ERP's form templates, proposes the exact payloads, and waits for a decision; approved, each is created in the ERP once (audited; scope admin) */
        post: operations["startFormBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/builders/skill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start the Skill Builder: describe a skill in plain words (create), or name one to improve from its feedback (refine); each draft compiles, is dry-run on the examples as the persona, and waits for a decision (audited; scope admin) */
        post: operations["startSkillBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/builders/workflow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start the Workflow Designer: describe what should happen on which events; the agent reads the ERP's content triggers and agent skills, proposes a chain of triggers (exact payloads), and waits for a decision; approved, each is created in the ERP once (audited; scope admin) */
        post: operations["startWorkflowBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/builds/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A build: its status and round; a skill build's draft (source, version, why that version, rationale, cited feedback) and its dry runs with the writes they did not send; an ERP build's proposal (the exact payloads and their checksum) and the records created; the decisions (scope admin) */
        get: operations["getBuild"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/builds/{id}/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decide on the build's draft or proposal, with an issue approval's body: approve publishes the skill version (a refined or extended skill as a 10 % canary) or creates the proposed ERP records, request_changes (with a comment) starts the next round, reject ends the build. The person's role must allow publishSkill (admins, by default); audited (scope admin) */
        post: operations["decideBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An ERP ContentTrigger event: starts every enabled skill subscribed to it, once per event id */
        post: operations["postEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/feedback/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** What was done about a piece of feedback: PENDING, ANALYZED, IMPLEMENTED or DISMISSED, with the analysis (audited; scope admin) */
        patch: operations["updateFeedbackImprovement"];
        trace?: never;
    };
    "/api/feedback/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's feedback per stage (issues) and per skill (skill runs): count, average rating, outcomes, still pending */
        get: operations["getFeedbackSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/inbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What waits for the person the key acts for (a personal key, or act-as with X-Acting-User), limited to what their role may settle; a service key sees every wait. Soonest deadline first (scope review) */
        get: operations["getInbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invocations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Skill invocations, newest first */
        get: operations["listInvocations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invocations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One invocation: status, live state, output, cost, timings, what it asked people */
        get: operations["getInvocation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invocations/{id}/answers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Answer the run's pending request_info question (scope review, as a person; audited) */
        post: operations["answerInvocation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invocations/{id}/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or reject a run flagged for review (scope review, as a person; audited) */
        post: operations["decideInvocation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invocations/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a run (recorded failed, "cancelled"; an admin key; a skills:run key for a run it started; or a person whose role may cancel; audited) */
        post: operations["cancelInvocation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invocations/{id}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The skill run's feedback, newest first (at most 200; scope skills:run or review) */
        get: operations["listInvocationFeedback"];
        put?: never;
        /** Rate the skill run: rating 1–5, outcome, comment, tags; a personal key's person is recorded as who gave it (audited; scope skills:run or review) */
        post: operations["giveInvocationFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List issues, newest first */
        get: operations["listIssues"];
        put?: never;
        /** Submit an issue (one workflow per organization + source + externalId) */
        post: operations["submitIssue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One issue with live status */
        get: operations["getIssue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/answers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer (or confirm the draft answer to) the pending question (scope review, as a person; audited)
         * @description A retry of an action the issue has already recorded from the same person — one that names its gate or question — answers 200 with the issue, not a 409.
         */
        post: operations["answerIssue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide at the open approval gate (scope review, as a person; audited)
         * @description A retry of an action the issue has already recorded from the same person — one that names its gate or question — answers 200 with the issue, not a 409.
         */
        post: operations["decideIssue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/artifacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Analysis, change (diff), review, answers; oldest first */
        get: operations["listIssueArtifacts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/budget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Raise the issue's budget (scope review, as a person; audited)
         * @description A retry of an action the issue has already recorded from the same person — one that names its gate or question — answers 200 with the issue, not a 409.
         */
        post: operations["raiseIssueBudget"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel the issue (an admin key; an issues:write key for an issue it submitted; or a person whose role may cancel; audited) */
        post: operations["cancelIssue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/command-approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve (once, or for the rest of the issue) or deny the command waiting for approval (settings.repository.commandApproval); a denial reaches the agent with the comment (scope review, as a person; audited)
         * @description A retry of an action the issue has already recorded from the same person — one that names its gate or question — answers 200 with the issue, not a 409.
         */
        post: operations["decideIssueCommand"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The issue's feedback, newest first (at most 200; scope issues:write or review) */
        get: operations["listIssueFeedback"];
        put?: never;
        /** Rate the issue: rating 1–5, outcome, comment, tags; a personal key's person is recorded as who gave it (audited; scope issues:write or review) */
        post: operations["giveIssueFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/interrupt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop the agents at their next safe point (before a model turn or a tool call) until a message comes, or the expiry passes (scope review, as a person; audited)
         * @description A retry of an action the issue has already recorded from the same person — one that names its gate or question — answers 200 with the issue, not a 409.
         */
        post: operations["interruptIssueAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored log lines, newest first */
        get: operations["listIssueLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the running agent a message for its next model turn; modelTier also changes the tier of every later turn (needs the raiseBudget role). Ends an interrupt (scope review, as a person; audited)
         * @description A retry of an action the issue has already recorded from the same person — one that names its gate or question — answers 200 with the issue, not a 409.
         */
        post: operations["messageIssueAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{id}/people": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Questions and decisions as stored */
        get: operations["getIssuePeople"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/personas": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's personas, by slug */
        get: operations["listPersonas"];
        put?: never;
        /** Create a persona */
        post: operations["createPersona"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/personas/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One persona */
        get: operations["getPersona"];
        put?: never;
        post?: never;
        /** Delete a persona */
        delete: operations["deletePersona"];
        options?: never;
        head?: never;
        /** Change a persona (fields not sent keep their values) */
        patch: operations["updatePersona"];
        trace?: never;
    };
    "/api/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's schedules with their live state from Temporal, by skill and name */
        get: operations["listSchedules"];
        put?: never;
        /** Create a Temporal Schedule that runs a skill (cron or interval, time zone, overlap, catch-up window, jitter, note) */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One schedule */
        get: operations["getSchedule"];
        put?: never;
        post?: never;
        /** Delete the schedule (on Temporal too) */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        /** Change the spec, policies, note or what runs */
        patch: operations["updateSchedule"];
        trace?: never;
    };
    "/api/schedules/{id}/backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run the times the spec had between start and end (the answer says how many, and what the overlap policy does to them) */
        post: operations["backfillSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause (optional body: { note }) */
        post: operations["pauseSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{id}/trigger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run now */
        post: operations["triggerSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{id}/unpause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume (optional body: { note }) */
        post: operations["unpauseSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/skills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's skills with their versions and rollout, by slug */
        get: operations["listSkills"];
        put?: never;
        /** Publish a skill version (YAML frontmatter + Markdown); synced to the ERP AgentSkill endpoint when configured */
        post: operations["publishSkill"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/skills/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One skill */
        get: operations["getSkill"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Enable or disable the skill, or set its rollout (pinned, latest, canary) */
        patch: operations["updateSkill"];
        trace?: never;
    };
    "/api/skills/{slug}/invoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run the skill as a persona (one SkillWorkflow). With an Idempotency-Key header a retried request answers with the first run. */
        post: operations["invokeSkill"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/skills/{slug}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pin the version that served before the current one */
        post: operations["rollBackSkill"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/skills/{slug}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One published version: source, checksum, changelog, compiled form */
        get: operations["getSkillVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The events sent out, newest first, with attempts and the last answer: status events to the ERP's callback URL (channel erp) and notices to the notification channels (webhook, slack) (scope admin) */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook-deliveries/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send the event again, now, once (same delivery id, signed anew); audited (scope admin) */
        post: operations["redeliverWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/erp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Events from the ERP, signed with the organization's secret (no API key) */
        post: operations["receiveErpWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/github": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The repository's GitHub webhook: issues.labeled starts an issue; /approve, /reject, /answer comments from reviewers (no API key) */
        post: operations["receiveGitHubWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Healthy or degraded (database, Temporal, and workers of the build new runs go to), version, uptime and sandbox mode; with an API key of scope issues:write, review or admin also that organization's pending, running, waiting and failed-in-the-last-hour counts */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics: HTTP requests, issues by status and stage, waits for people, the queue and slots, webhooks and callbacks, the process (README "Metrics"). Off unless METRICS_TOKEN is set; then only with Authorization: Bearer <METRICS_TOKEN> */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness for traffic: this instance's database answers (Temporal and the workers are shared, and issues are accepted without them: see /health) */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "invocation.finished": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Invocation finished
         * @description When a skill run ends, completed or failed, with its output or error.
         */
        post: operations["invocationFinished"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "issue.pull_request_opened": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue pull request opened
         * @description When the pull request is published after the final approval.
         */
        post: operations["issuePullRequestOpened"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "issue.status_changed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue status changed
         * @description On every status change: processing; waiting for a person — an approval, an answer to a question, a budget raise — with waitingFor, deadline and pending saying what; and the end.
         */
        post: operations["issueStatusChanged"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    notification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Notification
         * @description To settings.notifications.webhook.url: a reminder, an escalation, an approval needed or a question asked about an issue, once per notice (deduplicate on X-Delivery-Id).
         */
        post: operations["notification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "notification.slack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Slack notification
         * @description To settings.notifications.slack.webhookUrl: the same notices as a Slack message (unsigned: the URL is the secret). Slack answers 200 "ok".
         */
        post: operations["slackNotification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** @description Paused: every agent step waits. disabledStages: issues wait before entering these stages */
        AgentControls: {
            disabledStages: ("classify" | "triage" | "research" | "code" | "review")[];
            paused: boolean;
            reason: string | null;
        };
        AgentControlsChanged: {
            /** @description The workflow sending the change to running issues (agent-controls:<organization>) */
            broadcastWorkflowId: string;
            effective: components["schemas"]["AgentControls"];
            /** @description The installation's (set by the operator: npm run admin -- pause) */
            installation: {
                changedAt: string | null;
                changedBy: string | null;
                disabledStages: ("classify" | "triage" | "research" | "code" | "review")[];
                paused: boolean;
                reason: string | null;
            };
            /** @description This organization's own */
            organization: {
                changedAt: string | null;
                changedBy: string | null;
                disabledStages: ("classify" | "triage" | "research" | "code" | "review")[];
                paused: boolean;
                reason: string | null;
            };
        };
        AgentControlsState: {
            effective: components["schemas"]["AgentControls"];
            /** @description The installation's (set by the operator: npm run admin -- pause) */
            installation: {
                changedAt: string | null;
                changedBy: string | null;
                disabledStages: ("classify" | "triage" | "research" | "code" | "review")[];
                paused: boolean;
                reason: string | null;
            };
            /** @description This organization's own */
            organization: {
                changedAt: string | null;
                changedBy: string | null;
                disabledStages: ("classify" | "triage" | "research" | "code" | "review")[];
                paused: boolean;
                reason: string | null;
            };
        };
        ArtifactPage: {
            hasMore: boolean;
            items: {
                content: string | null;
                /** Format: date-time */
                createdAt: string;
                diffPatch: string | null;
                filePath: string | null;
                id: string;
                metadata: Record<string, never> | null;
                name: string;
                stepId: string | null;
                type: string;
            }[];
            nextCursor: string | null;
        };
        /** @description One human or admin action, accepted or refused. The trail is append-only. */
        AuditEvent: {
            /** @description issue.decide, issue.answer, issue.raise_budget, issue.cancel, invocation.*, skill.*, persona.*, schedule.*, key.*, reviewer.*, settings.* */
            action: string;
            actor: string | null;
            actorRole: string | null;
            /** Format: date-time */
            at: string;
            /** @enum {string} */
            channel: "api_key" | "github_webhook" | "erp_webhook" | "temporal_signal" | "temporal_update" | "cli";
            channelName: string | null;
            channelRef: string | null;
            details: Record<string, never>;
            id: number;
            /** @enum {string} */
            outcome: "ok" | "refused" | "failed";
            reason: string | null;
            requestId: string | null;
            targetId: string | null;
            targetType: string;
        };
        AuditPage: {
            hasMore: boolean;
            items: components["schemas"]["AuditEvent"][];
            limit: number;
            nextCursor: string | null;
            offset: number;
            total: number;
        };
        /** @description A builder run (README "Builder agents") */
        Build: {
            /** @enum {string} */
            builder: "Skill Builder" | "Feature Builder" | "Form Generator" | "Workflow Designer";
            checksum: string | null;
            /** @description What the build cost: its own model calls and its dry runs, in USD */
            costUsd: number;
            created: {
                /** @enum {string} */
                collection: "form-templates" | "content-triggers";
                /** @description The ERP record id */
                id: string;
                index: number;
                name: string;
            }[];
            /** Format: date-time */
            createdAt: string;
            decisions: {
                /** Format: date-time */
                at: string;
                comment: string | null;
                decision: string;
                reviewer: string;
                round: number;
            }[];
            description: string;
            draft: {
                /** @enum {string} */
                bump: "major" | "minor" | "patch" | "new";
                changelog: string;
                citedFeedback: string[];
                rationale: string;
                reasons: string[];
                /** @description The skill file as proposed (status draft) */
                source: string;
                /** @description Set by the change: src/skills/versioning.ts */
                version: string;
            } | null;
            dryRuns: {
                costUsd: number;
                error: string | null;
                input: Record<string, never>;
                invocationId: string;
                output: Record<string, never> | null;
                requests: unknown[];
                /** @enum {string} */
                status: "completed" | "failed";
                wouldWrite: {
                    body?: unknown;
                    method: string;
                    path: string;
                    tool: string;
                }[];
            }[];
            error: string | null;
            examples: Record<string, never>[];
            id: string;
            /**
             * @description What the build makes: a skill version (skill, feature) or ERP records (form templates, content triggers)
             * @enum {string}
             */
            kind: "skill" | "feature" | "form" | "workflow";
            /** @enum {string} */
            mode: "create" | "refine" | "extend";
            persona: string | null;
            proposal: {
                /** @description sha256 of the records: what an approval approves */
                checksum: string;
                rationale: string | null;
                records: {
                    /** @enum {string} */
                    collection: "form-templates" | "content-triggers";
                    /** @description The exact body the ERP will be sent (src/contracts/erp-records.ts) */
                    payload: Record<string, never>;
                }[];
                round: number;
                summary: string | null;
            } | null;
            publishedVersion: string | null;
            requestedBy: string;
            round: number;
            skill: string | null;
            /**
             * @description published: a skill version went out; created: the ERP records were created
             * @enum {string}
             */
            status: "drafting" | "testing" | "awaiting_approval" | "creating" | "published" | "created" | "rejected" | "failed";
            /** Format: date-time */
            updatedAt: string;
            workflowId: string;
        };
        Error: {
            error: {
                /** @description Stable; listed on /docs#errors */
                code: string;
                details: {
                    expected?: string;
                    message: string;
                    /** @description Where: a field, query parameter, header, or the setting behind a limit */
                    path: string;
                    received?: string;
                }[];
                /** @description This code on /docs */
                docs: string;
                /** @description What is wrong and what to fix */
                message: string;
            };
            /** @description Also in X-Request-Id; quote it when reporting a problem */
            requestId: string;
        };
        /** @description What the event started and skipped; a duplicate event id answers the first outcome (inProgress while it is still starting) */
        EventOutcome: {
            duplicate: boolean;
            eventId: string;
            inProgress?: boolean;
            invocations?: {
                id: string;
                persona: string;
                skill: string;
                workflowId: string;
            }[];
            skipped?: {
                reason: string;
                skill: string;
            }[];
            type?: string;
        };
        /** @description Feedback on an issue or a skill run */
        Feedback: {
            agentType: string | null;
            analysisResult: Record<string, never> | null;
            comment: string | null;
            /** Format: date-time */
            createdAt: string;
            id: string;
            /** @enum {string} */
            improvementStatus: "PENDING" | "ANALYZED" | "IMPLEMENTED" | "DISMISSED";
            invocationId: string | null;
            issueId: string | null;
            kanbanCardId: string | null;
            /** @enum {string} */
            outcome: "SOLVED" | "PARTIAL" | "NOT_SOLVED" | "MADE_WORSE";
            rating: number;
            tags: string[];
            userId: string | null;
        };
        FeedbackList: {
            items: components["schemas"]["Feedback"][];
        };
        FeedbackSummary: {
            bySkill: {
                averageRating: number;
                count: number;
                /** @description The stage (issue for the issue as a whole) or the skill */
                key: string;
                outcomes: {
                    MADE_WORSE: number;
                    NOT_SOLVED: number;
                    PARTIAL: number;
                    SOLVED: number;
                };
                /** @description Still improvementStatus PENDING */
                pending: number;
            }[];
            byStage: {
                averageRating: number;
                count: number;
                /** @description The stage (issue for the issue as a whole) or the skill */
                key: string;
                outcomes: {
                    MADE_WORSE: number;
                    NOT_SOLVED: number;
                    PARTIAL: number;
                    SOLVED: number;
                };
                /** @description Still improvementStatus PENDING */
                pending: number;
            }[];
        };
        Health: {
            /** @description The installation's kill switch and stage flags; with an API key, as they apply to that key's organization (its own included). Never a failing check */
            agents?: components["schemas"]["AgentControls"];
            /** @description database, temporal, workers (a workflow and an activity poller, of the build new runs go to, seen in the last 90 s), and with a workspace pool workspaceWorkers (an activity poller on each of its queues in the last 90 s): true when passing */
            checks: {
                [key: string]: boolean;
            };
            /** @description How agent commands are confined; off comes with its warning */
            sandbox?: Record<string, never>;
            /** @description With an API key: that key's organization's issues — stored and not yet in a stage, in a stage, of those waiting for a person, failed in the last hour */
            stats?: {
                failedLastHour: number;
                pending: number;
                running: number;
                waitingForPeople: number;
            };
            /** @enum {string} */
            status: "healthy" | "degraded";
            uptimeSeconds: number;
            /** @description The orchestrator version (package.json) */
            version: string;
        };
        Inbox: {
            items: {
                deadline: string | null;
                draftAnswer: string | null;
                escalated: boolean;
                gate: ("plan" | "final") | null;
                /** @description The issue, skill run or build id: what the approval and answer endpoints take */
                id: string;
                /** @enum {string} */
                kind: "issue" | "invocation" | "build";
                /** @description Where to see it whole */
                path: string;
                priority: string | null;
                prompt: string | null;
                questionId: string | null;
                reminded: boolean;
                /** Format: date-time */
                since: string;
                title: string;
                /** @enum {string} */
                waitingFor: "approval" | "question" | "budget" | "review" | "command";
            }[];
            person: {
                role: string;
                userId: string;
            } | null;
        };
        /** @description A skill run (requests to people only on the single-run view) */
        Invocation: {
            budgetUsd: number | null;
            completedAt: string | null;
            costUsd: number;
            /** Format: date-time */
            createdAt: string;
            dryRun: boolean;
            durationMs: number | null;
            entityId: string | null;
            entityType: string | null;
            error: string | null;
            eventId: string | null;
            held: {
                reason: string;
                /** Format: date-time */
                since: string;
            } | null;
            id: string;
            input: Record<string, never>;
            liveStatus: string | null;
            output: Record<string, never> | null;
            pending: {
                /** Format: date-time */
                deadline: string;
                /** @enum {string} */
                kind: "question" | "review";
                prompt: string;
                /** Format: date-time */
                since: string;
                toolUseId: string;
            } | null;
            persona: string;
            requests?: {
                /** Format: date-time */
                askedAt: string;
                kind: string;
                prompt: string;
                respondedAt: string | null;
                respondedBy: string | null;
                response: string | null;
                status: string;
            }[];
            skill: string;
            startedAt: string | null;
            /**
             * @description The ERP's AgentInvocation statuses
             * @enum {string}
             */
            status: "pending" | "running" | "completed" | "failed";
            /** @description api, event:<type>, schedule:<name> */
            triggeredBy: string;
            version: string | null;
            workflowId: string;
            wouldWrite?: {
                body?: unknown;
                /** @enum {string} */
                method: "POST" | "PATCH";
                /** @description Under the ERP API root, e.g. /briefs */
                path: string;
                tool: string;
            }[];
        };
        InvocationPage: {
            hasMore: boolean;
            items: components["schemas"]["Invocation"][];
            nextCursor: string | null;
        };
        InvocationStarted: {
            created: boolean;
            dryRun: boolean;
            id: string;
            persona: string;
            skill: string;
            status: string;
            version: string | null;
            workflowId: string;
        };
        /** @description An issue: its row, and while it runs the live progress from its workflow */
        Issue: {
            branch: string | null;
            budgetUsd: number | null;
            commandDecisions: {
                argv: string[];
                /** Format: date-time */
                at: string;
                by: string | null;
                comment: string | null;
                /** @enum {string} */
                decision: "approve" | "approve_for_issue" | "deny" | "expired";
                toolUseId: string;
            }[];
            completedAt: string | null;
            /** @description As submitted */
            context: Record<string, never>;
            costUsd: number | null;
            /** Format: date-time */
            createdAt: string;
            currentStep: string;
            decisions: {
                /** Format: date-time */
                at: string;
                comment: string | null;
                /** @enum {string} */
                decision: "approve" | "reject" | "request_changes";
                /** @enum {string} */
                gate: "plan" | "final";
                reviewer: string;
                /** @enum {string} */
                via: "update" | "signal";
            }[];
            description: string;
            /**
             * @description The status in the ERP's vocabulary
             * @enum {string}
             */
            erpStatus: "PENDING" | "QUEUED" | "PROCESSING" | "REVIEW" | "COMPLETED" | "FAILED" | "CANCELLED";
            error: string | null;
            externalId: string;
            held: {
                reason: string;
                /** Format: date-time */
                since: string;
                /** @enum {string} */
                stage: "classify" | "triage" | "research" | "code" | "review" | "publish";
            } | null;
            id: string;
            interrupted: {
                by: string;
                /** Format: date-time */
                deadline: string;
                reason: string | null;
                /** Format: date-time */
                since: string;
            } | null;
            job: {
                agentType: string;
                currentStep: string;
                id: string;
                logs: {
                    level: string;
                    message: string;
                    /** Format: date-time */
                    time: string;
                }[];
                progress: number;
            };
            messages: {
                /** Format: date-time */
                at: string;
                delivered: {
                    loopId: string;
                    stage: string;
                    turn: number;
                } | null;
                /** @description The person, or erp:<user> for an ERP update */
                from: string;
                id: number;
                text: string;
            }[];
            module: string | null;
            /** @description What a person owes the issue: an approval at a gate, an answer, a budget raise, or a decision on a command the agent asked to run */
            pending: null | {
                argv?: string[];
                budgetUsd?: number;
                /** @enum {string} */
                classification?: "safe" | "dangerous" | "unknown";
                /** Format: date-time */
                deadline: string;
                draftAnswer?: string | null;
                escalated: boolean;
                /** @enum {string} */
                gate?: "plan" | "final";
                gateRound?: number;
                /** @enum {string} */
                kind: "approval" | "question" | "budget" | "command";
                policy?: string;
                question?: string;
                questionId?: string;
                /** @description command: why the policy holds it */
                reason?: string;
                reminded: boolean;
                /** Format: date-time */
                since: string;
                spentUsd?: number;
                stage?: string;
                /** @description command: the agent tool call asking to run it */
                toolUseId?: string;
            };
            priority: string;
            progress: number;
            pullRequestUrl: string | null;
            questions: {
                answer: string | null;
                answeredBy: string | null;
                id: string;
                question: string;
                stage: string;
                /** @enum {string} */
                status: "pending" | "answered" | "expired";
            }[];
            queuePosition: number | null;
            refusedSignals: {
                /** Format: date-time */
                at: string;
                /** @enum {string} */
                kind: "decision" | "answer" | "budget" | "message" | "interrupt" | "command";
                person: string | null;
                reason: string;
            }[];
            /** @description Short results of the stages (classification, route, review verdict, summary) */
            result: Record<string, never>;
            round: number;
            source: string;
            stage: string | null;
            /** @enum {string} */
            status: "queued" | "processing" | "awaiting_approval" | "awaiting_answer" | "awaiting_budget" | "needs_info" | "completed" | "failed" | "rejected" | "approval_expired" | "cancelled";
            /** @description The run in the Temporal Web UI */
            temporalUrl?: string;
            tierOverride: ("small" | "medium" | "large") | null;
            title: string;
            trackingUrl: string;
            type: string;
            /** Format: date-time */
            updatedAt: string;
            workflowId: string;
        };
        IssuePage: {
            hasMore: boolean;
            items: components["schemas"]["Issue"][];
            limit: number;
            nextCursor: string | null;
            offset: number;
            total: number;
        };
        IssueSubmitted: {
            created: boolean;
            /** @enum {string} */
            erpStatus: "PENDING" | "QUEUED" | "PROCESSING" | "REVIEW" | "COMPLETED" | "FAILED" | "CANCELLED";
            id: string;
            /** @description The workflow id (the ERP calls it the job) */
            jobId: string;
            /** @enum {string} */
            status: "queued" | "processing" | "awaiting_approval" | "awaiting_answer" | "awaiting_budget" | "needs_info" | "completed" | "failed" | "rejected" | "approval_expired" | "cancelled";
            trackingUrl: string;
            workflowId: string;
        };
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        LogPage: {
            hasMore: boolean;
            items: {
                data: Record<string, never> | null;
                level: string;
                message: string;
                stepId: string | null;
                /** Format: date-time */
                time: string;
            }[];
            nextCursor: string | null;
        };
        /** @description The organization's notification channels (null: not set), and the kinds each takes */
        NotificationChannels: {
            slack: {
                kinds: ("reminder" | "escalation" | "approval_needed" | "question_asked")[];
                /** @description The incoming webhook, its token segments hidden: the URL is its secret */
                webhookUrl: string;
            } | null;
            webhook: {
                kinds: ("reminder" | "escalation" | "approval_needed" | "question_asked")[];
                secretSet: boolean;
                /** @description Where the signed POST goes (without query string or token-like path segments) */
                url: string;
            } | null;
        };
        People: {
            decisions: {
                comment: string | null;
                /** Format: date-time */
                createdAt: string;
                /** @enum {string} */
                decision: "approve" | "reject" | "request_changes";
                /** @enum {string} */
                gate: "plan" | "final";
                gateRound: number;
                id: string;
                issueId: string;
                reviewer: string;
                /** @enum {string} */
                via: "update" | "signal";
            }[];
            questions: {
                answer: string | null;
                answeredAt: string | null;
                answeredBy: string | null;
                /** Format: date-time */
                createdAt: string;
                draftAnswer: string | null;
                id: string;
                issueId: string;
                /** @enum {string} */
                policy: "autonomous" | "supervised" | "human";
                question: string;
                stage: string;
                /** @enum {string} */
                status: "pending" | "answered" | "expired";
            }[];
        };
        Persona: {
            allowedSkills: string[];
            /** Format: date-time */
            createdAt: string;
            enabled: boolean;
            name: string;
            slug: string;
            systemPrompt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        PersonaPage: {
            hasMore: boolean;
            items: components["schemas"]["Persona"][];
            nextCursor: string | null;
        };
        Published: {
            checksum: string;
            created: boolean;
            /** @description How the change reached the ERP AgentSkill endpoint (synced, skipped, failed with why) */
            erpSync?: Record<string, never>;
            skill: components["schemas"]["Skill"];
            version: string;
            warnings: unknown[];
        };
        Readiness: {
            checks: {
                database: boolean;
            };
            /** @enum {string} */
            status: "ready" | "degraded";
        };
        Schedule: {
            backfill?: {
                note: string;
                overlap: string;
                runs: number;
            };
            catchupWindowSeconds: number | null;
            /** Format: date-time */
            createdAt: string;
            cron: string[] | null;
            entityId: string | null;
            entityType: string | null;
            id: string;
            input: Record<string, never>;
            intervalSeconds: number | null;
            jitterSeconds: number;
            name: string;
            nextRuns: string[];
            note: string | null;
            overlap: string;
            paused: boolean | null;
            persona: string;
            recentRuns: {
                /** Format: date-time */
                scheduledAt: string;
                /** Format: date-time */
                takenAt: string;
                workflowId: string | null;
            }[];
            runsTotal: number | null;
            /** @description The Temporal Schedule id */
            scheduleId: string;
            skill: string;
            timezone: string;
            version: string | null;
        };
        SchedulePage: {
            hasMore: boolean;
            items: components["schemas"]["Schedule"][];
            nextCursor: string | null;
        };
        Skill: {
            category: string | null;
            enabled: boolean;
            /** @description How the change reached the ERP AgentSkill endpoint (synced, skipped, failed with why) */
            erpSync?: Record<string, never>;
            events: string[];
            latestVersion: string | null;
            name: string;
            /** @description The rollout before a rollback */
            rolledBackFrom?: Record<string, never>;
            /** @description pinned { version } | latest | canary { stable, canary, percent } */
            rollout: Record<string, never>;
            slug: string;
            /** Format: date-time */
            updatedAt: string;
            versions: {
                changelog: string;
                checksum: string;
                /** Format: date-time */
                publishedAt: string;
                status: string;
                version: string;
            }[];
        };
        SkillPage: {
            hasMore: boolean;
            items: components["schemas"]["Skill"][];
            nextCursor: string | null;
        };
        SkillVersion: {
            changelog: string;
            checksum: string;
            /** @description The compiled definition */
            compiled: Record<string, never>;
            /** Format: date-time */
            publishedAt: string;
            source: string;
            version: string;
        };
        WebhookDelivery: {
            attempts: number;
            /**
             * @description erp: a status event to the ERP's callback URL; webhook, slack: a notice to that notification channel
             * @enum {string}
             */
            channel: "erp" | "webhook" | "slack";
            /** Format: date-time */
            createdAt: string;
            /** @description X-Delivery-Id: the same on every attempt and redelivery */
            deliveryId: string;
            /** @enum {string} */
            event: "issue.status_changed" | "issue.pull_request_opened" | "invocation.finished" | "notification.reminder" | "notification.escalation" | "notification.approval_needed" | "notification.question_asked";
            /** @description Its id in the log (redeliver with it) */
            id: string;
            invocationId: string | null;
            issueId: string | null;
            lastError: string | null;
            lastStatusCode: number | null;
            notificationId: string | null;
            /** @description What the event said beyond the subject (status, stage, pending, …) */
            payload: Record<string, never>;
            /**
             * @description pending: its workflow is still retrying
             * @enum {string}
             */
            status: "pending" | "delivered" | "failed";
            /** Format: date-time */
            updatedAt: string;
            /** @description Where it went (without query string or token-like path segments) */
            url: string;
        };
        WebhookDeliveryPage: {
            hasMore: boolean;
            items: components["schemas"]["WebhookDelivery"][];
            nextCursor: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getNotificationChannels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The channels */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationChannels"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateNotificationChannels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    slack?: {
                        /** @description Kinds this channel takes; null or absent: all four */
                        kinds?: ("reminder" | "escalation" | "approval_needed" | "question_asked")[] | null;
                        /** @description A Slack (or compatible) incoming webhook URL; write-only */
                        webhookUrl?: string;
                    } | null;
                    webhook?: {
                        /** @description Kinds this channel takes; null or absent: all four */
                        kinds?: ("reminder" | "escalation" | "approval_needed" | "question_asked")[] | null;
                        /** @description HMAC-SHA256 key of X-Signature (at least 16 characters); write-only */
                        secret?: string;
                        /** @description https URL our signed POST goes to */
                        url?: string;
                    } | null;
                };
            };
        };
        responses: {
            /** @description The channels now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationChannels"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pauseAgents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                    stages?: ("classify" | "triage" | "research" | "code" | "review")[];
                };
            };
        };
        responses: {
            /** @description The controls now, and the workflow sending them to running issues */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentControlsChanged"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Stored, but Temporal is unreachable: new issues obey it; repeat the request to reach running ones */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resumeAgents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                    stages?: ("classify" | "triage" | "research" | "code" | "review")[];
                };
            };
        };
        responses: {
            /** @description The controls now, and the workflow sending them to running issues */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentControlsChanged"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Stored, but Temporal is unreachable: repeat the request to reach running issues */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAgentControls: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The controls */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentControlsState"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                action?: string;
                actor?: string;
                channel?: "api_key" | "github_webhook" | "erp_webhook" | "temporal_signal" | "temporal_update" | "cli";
                cursor?: string;
                from?: string;
                limit?: number;
                offset?: number;
                outcome?: "ok" | "refused" | "failed";
                targetId?: string;
                targetType?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    startFeatureBuild: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description: string;
                    /** @default [] */
                    examples?: {
                        [key: string]: unknown;
                    }[];
                    persona: string;
                    skill: string;
                };
            };
        };
        responses: {
            /** @description The build, drafting */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such skill in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body does not match, or the persona does not exist or is disabled */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    startFormBuild: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description: string;
                };
            };
        };
        responses: {
            /** @description The build, drafting */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body does not match, or the organization has no ERP API (settings.erp.apiUrl) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    startSkillBuild: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description: string;
                    /** @default [] */
                    examples?: {
                        [key: string]: unknown;
                    }[];
                    /**
                     * @default create
                     * @enum {string}
                     */
                    mode?: "create" | "refine";
                    persona: string;
                    skill?: string;
                };
            };
        };
        responses: {
            /** @description The build, drafting */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Refine: no such skill in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body does not match, or the persona does not exist or is disabled */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    startWorkflowBuild: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description: string;
                };
            };
        };
        responses: {
            /** @description The build, drafting */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body does not match, or the organization has no ERP API (settings.erp.apiUrl) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The build id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The build */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such build in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    decideBuild: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The build id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    checksum?: string;
                    comment?: string;
                    /** @enum {string} */
                    decision: "approve" | "reject" | "request_changes";
                    reviewer?: string;
                    round?: number;
                };
            };
        };
        responses: {
            /** @description The build after the decision */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The person's role may not publish skills (publishSkill: every builder's output) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such build in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The build is not waiting for a decision, has ended, or waits on another round or draft than `round` / `checksum` name */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postEvent: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entityId?: string;
                    entityType?: string;
                    eventId: string;
                    /** @default {} */
                    payload?: {
                        [key: string]: unknown;
                    };
                    persona?: string;
                    type: string;
                };
            };
        };
        responses: {
            /** @description Duplicate event id: the first outcome */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventOutcome"];
                };
            };
            /** @description The invocations started and the skills skipped, with why */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventOutcome"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body breaks the schema, or the payload does not match a subscribed skill's inputs: nothing starts and the event id stays unused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over the organization's rate limit or spend cap (Retry-After says when to try again) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateFeedbackImprovement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The feedback id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    analysisResult?: {
                        [key: string]: unknown;
                    };
                    /** @enum {string} */
                    improvementStatus: "PENDING" | "ANALYZED" | "IMPLEMENTED" | "DISMISSED";
                };
            };
        };
        responses: {
            /** @description The feedback */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Feedback"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such feedback in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getFeedbackSummary: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The summary */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackSummary"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getInbox: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The waits */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Inbox"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listInvocations: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                skill?: string;
                status?: "pending" | "running" | "completed" | "failed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Invocations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvocationPage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getInvocation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The invocation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invocation"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    answerInvocation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    answer: string;
                    answeredBy?: string;
                };
            };
        };
        responses: {
            /** @description The invocation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invocation"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Nothing to answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    decideInvocation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    comment?: string;
                    /** @enum {string} */
                    decision: "approve" | "reject";
                    reviewer?: string;
                };
            };
        };
        responses: {
            /** @description The invocation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invocation"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Nothing to decide */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelInvocation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The invocation */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invocation"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Already ended */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listInvocationFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The skill run's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its feedback */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackList"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such skill run in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    giveInvocationFeedback: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The skill run's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    comment?: string;
                    kanbanCardId?: string;
                    /** @enum {string} */
                    outcome: "SOLVED" | "PARTIAL" | "NOT_SOLVED" | "MADE_WORSE";
                    rating: number;
                    /** @enum {string} */
                    stage?: "classify" | "triage" | "research" | "code" | "review";
                    tags?: string[];
                    userId?: string;
                };
            };
        };
        responses: {
            /** @description The feedback as stored */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Feedback"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body names another person than the personal key acts for */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such skill run in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listIssues: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                module?: string;
                offset?: number;
                priority?: "critical" | "high" | "medium" | "low";
                status?: "queued" | "processing" | "awaiting_approval" | "awaiting_answer" | "awaiting_budget" | "completed" | "rejected" | "needs_info" | "approval_expired" | "failed" | "cancelled";
                type?: "bug" | "feature" | "enhancement" | "question" | "task" | "deployment";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of issues */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuePage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    submitIssue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    budgetUsd?: number;
                    /** @default {} */
                    context?: {
                        affectedFiles?: string[];
                        metadata?: {
                            [key: string]: unknown;
                        };
                        module?: string;
                        organizationId?: string;
                        relatedIssues?: string[];
                    } & {
                        [key: string]: unknown;
                    };
                    /** @default  */
                    description?: string;
                    externalId?: string;
                    module?: string;
                    /** @enum {string} */
                    priority?: "critical" | "high" | "medium" | "low";
                    /** @enum {string} */
                    source?: "erp" | "github" | "manual" | "webhook" | "scheduled";
                    title: string;
                    /** @enum {string} */
                    type: "bug" | "feature" | "enhancement" | "question" | "task" | "deployment";
                };
            };
        };
        responses: {
            /** @description Already known: the existing issue (created false) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssueSubmitted"];
                };
            };
            /** @description Created and started */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssueSubmitted"];
                };
            };
            /** @description Stored, but Temporal was unreachable: the issue stays queued and its workflow starts once Temporal answers again (the recovery sweep, within about a minute) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssueSubmitted"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over the organization's rate limit or spend cap (Retry-After says when to try again) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getIssue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The issue */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    answerIssue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    answer?: string;
                    answeredBy?: string;
                    confirm?: boolean;
                    questionId?: string;
                };
            };
        };
        responses: {
            /** @description The issue with its new status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Refused by the workflow (wrong state, already decided, …) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    decideIssue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    comment?: string;
                    /** @enum {string} */
                    decision: "approve" | "reject" | "request_changes";
                    /** @enum {string} */
                    gate?: "plan" | "final";
                    reviewer?: string;
                };
            };
        };
        responses: {
            /** @description The issue with its new status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Refused by the workflow (wrong state, already decided, …) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listIssueArtifacts: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Artifacts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactPage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    raiseIssueBudget: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    budgetUsd: number;
                    reviewer?: string;
                };
            };
        };
        responses: {
            /** @description The issue with its new status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Refused by the workflow (wrong state, already decided, …) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelIssue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelling */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Already ended */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    decideIssueCommand: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    comment?: string;
                    /** @enum {string} */
                    decision: "approve" | "approve_for_issue" | "deny";
                    reviewer?: string;
                    toolUseId?: string;
                };
            };
        };
        responses: {
            /** @description The issue with its new status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Refused by the workflow (wrong state, already decided, …) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listIssueFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The issue's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its feedback */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackList"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    giveIssueFeedback: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The issue's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    comment?: string;
                    kanbanCardId?: string;
                    /** @enum {string} */
                    outcome: "SOLVED" | "PARTIAL" | "NOT_SOLVED" | "MADE_WORSE";
                    rating: number;
                    /** @enum {string} */
                    stage?: "classify" | "triage" | "research" | "code" | "review";
                    tags?: string[];
                    userId?: string;
                };
            };
        };
        responses: {
            /** @description The feedback as stored */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Feedback"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body names another person than the personal key acts for */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    interruptIssueAgent: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    from?: string;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description The issue with its new status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Refused by the workflow (wrong state, already decided, …) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listIssueLogs: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Log lines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogPage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    messageIssueAgent: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
                /** @description With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer. */
                "X-Acting-User"?: string;
            };
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    from?: string;
                    message: string;
                    /** @enum {string} */
                    modelTier?: "small" | "medium" | "large";
                };
            };
        };
        responses: {
            /** @description The issue with its new status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Issue"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Refused by the workflow (wrong state, already decided, …) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getIssuePeople: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The issue id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Questions and decisions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["People"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such issue in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listPersonas: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Personas */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonaPage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createPersona: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default [] */
                    allowedSkills?: string[];
                    /** @default true */
                    enabled?: boolean;
                    name: string;
                    slug: string;
                    systemPrompt: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Persona"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The slug is taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPersona: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The skill or persona slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The persona */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Persona"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deletePersona: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The skill or persona slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updatePersona: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The skill or persona slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    allowedSkills?: string[];
                    enabled?: boolean;
                    name?: string;
                    systemPrompt?: string;
                };
            };
        };
        responses: {
            /** @description The persona */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Persona"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSchedules: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Schedules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    catchupWindowSeconds?: number;
                    cron?: string[];
                    entityId?: string;
                    entityType?: string;
                    input?: {
                        [key: string]: unknown;
                    };
                    intervalSeconds?: number;
                    jitterSeconds?: number;
                    name: string;
                    note?: string;
                    /** @enum {string} */
                    overlap?: "skip" | "buffer_one" | "buffer_all" | "cancel_other" | "terminate_other" | "allow_all";
                    /** @default false */
                    paused?: boolean;
                    persona: string;
                    skill: string;
                    timezone?: string;
                    version?: string | null;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The persona may not run this skill */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unknown skill, persona or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A schedule with this name exists for the skill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Invalid body, time zone or cron */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    catchupWindowSeconds?: number;
                    cron?: string[];
                    entityId?: string;
                    entityType?: string;
                    input?: {
                        [key: string]: unknown;
                    };
                    intervalSeconds?: number;
                    jitterSeconds?: number;
                    note?: string;
                    /** @enum {string} */
                    overlap?: "skip" | "buffer_one" | "buffer_all" | "cancel_other" | "terminate_other" | "allow_all";
                    persona?: string;
                    timezone?: string;
                    version?: string | null;
                };
            };
        };
        responses: {
            /** @description The schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    backfillSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    end: string;
                    /** @enum {string} */
                    overlap?: "skip" | "buffer_one" | "buffer_all" | "cancel_other" | "terminate_other" | "allow_all";
                    /** Format: date-time */
                    start: string;
                };
            };
        };
        responses: {
            /** @description The schedule as Temporal now has it */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pauseSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schedule as Temporal now has it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    triggerSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schedule as Temporal now has it */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    unpauseSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The id from the create or invoke response */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schedule as Temporal now has it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A request with the same Idempotency-Key is still running (Retry-After) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSkills: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Skills */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SkillPage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    publishSkill: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default  */
                    changelog?: string;
                    source: string;
                };
            };
        };
        responses: {
            /** @description This version with this content was already published */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Published"];
                };
            };
            /** @description Published */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Published"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description This version is already published with other content */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The file does not compile: details name the field and the line */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSkill: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The skill or persona slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The skill */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Skill"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateSkill: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The skill or persona slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    enabled?: boolean;
                    rollout?: {
                        /** @constant */
                        mode: "pinned";
                        version: string;
                    } | {
                        /** @constant */
                        mode: "latest";
                    } | {
                        canary: string;
                        /** @constant */
                        mode: "canary";
                        percent: number;
                        stable: string;
                    };
                };
            };
        };
        responses: {
            /** @description The skill */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Skill"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Invalid body, or the rollout names an unpublished version */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    invokeSkill: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The skill or persona slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    budgetUsd?: number;
                    dryRun?: boolean;
                    entityId?: string;
                    entityType?: string;
                    /** @default {} */
                    input?: {
                        [key: string]: unknown;
                    };
                    persona: string;
                    version?: string;
                };
            };
        };
        responses: {
            /** @description The run already exists (its invocation id was derived from an Idempotency-Key whose answer was lost): created false */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvocationStarted"];
                };
            };
            /** @description Started: the invocation id, its workflow id and the version it runs */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvocationStarted"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The persona may not run this skill */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The skill or the persona is disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body, or the input against the skill version */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over the organization's rate limit or spend cap (Retry-After says when to try again) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rollBackSkill: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The skill or persona slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The skill, with the rollout it replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Skill"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No earlier version */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSkillVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The skill or persona slug */
                slug: string;
                /** @description A semantic version */
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SkillVersion"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                channel?: "erp" | "webhook" | "slack";
                cursor?: string;
                event?: "issue.status_changed" | "issue.pull_request_opened" | "invocation.finished" | "notification.reminder" | "notification.escalation" | "notification.approval_needed" | "notification.question_asked";
                invocationId?: string;
                issueId?: string;
                limit?: number;
                notificationId?: string;
                status?: "pending" | "delivered" | "failed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    redeliverWebhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The id from the delivery log */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery after the attempt (status delivered or failed, with the answer) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key lacks the scope this operation needs (the message names it) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such delivery in your organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Still being retried by its workflow, or no callback URL (or channel) is set */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not JSON (Content-Type: application/json) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A field, query parameter, path parameter or header breaks its rule: details name each */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    receiveErpWebhook: {
        parameters: {
            query?: never;
            header: {
                "X-Delivery-Id": string;
                "X-Organization-Id": string;
                "X-Signature": string;
                "X-Timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: {
                        budgetUsd?: number;
                        /** @default {} */
                        context?: {
                            affectedFiles?: string[];
                            metadata?: {
                                [key: string]: unknown;
                            };
                            module?: string;
                            organizationId?: string;
                            relatedIssues?: string[];
                        } & {
                            [key: string]: unknown;
                        };
                        /** @default  */
                        description?: string;
                        externalId?: string;
                        module?: string;
                        /** @enum {string} */
                        priority?: "critical" | "high" | "medium" | "low";
                        /** @enum {string} */
                        source?: "erp" | "github" | "manual" | "webhook" | "scheduled";
                        title: string;
                        /** @enum {string} */
                        type: "bug" | "feature" | "enhancement" | "question" | "task" | "deployment";
                    };
                    /** @constant */
                    event: "issue.created";
                } | {
                    data: {
                        context?: {
                            [key: string]: unknown;
                        };
                        description?: string;
                        externalId: string;
                        /** @enum {string} */
                        priority?: "critical" | "high" | "medium" | "low";
                        /** @enum {string} */
                        source?: "erp" | "github" | "manual" | "webhook" | "scheduled";
                        /** @default erp */
                        updatedBy?: string;
                    };
                    /** @constant */
                    event: "issue.updated";
                } | {
                    data: {
                        author: string;
                        body: string;
                        externalId: string;
                        questionId?: string;
                        /** @enum {string} */
                        source?: "erp" | "github" | "manual" | "webhook" | "scheduled";
                    };
                    /** @constant */
                    event: "issue.comment";
                };
            };
        };
        responses: {
            /** @description Duplicate delivery or nothing to do: not processed again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description Processed */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description Invalid payload or missing headers */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Bad signature, old timestamp or unknown organization */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The comment's author may not answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unknown issue */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The answer was refused (nothing pending) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    receiveGitHubWebhook: {
        parameters: {
            query?: never;
            header: {
                "X-GitHub-Delivery": string;
                "X-GitHub-Event": string;
                "X-Hub-Signature-256": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Duplicate delivery or nothing to do: not processed again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description Processed */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description Missing headers */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Bad signature or unknown repository */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Body over 2 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description An Authorization header was sent and is not a valid key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The key has none of the scopes that may read the counts */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Degraded: a check failed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Missing or wrong METRICS_TOKEN */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Metrics are off on this API (no METRICS_TOKEN) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not ready: the database does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    invocationFinished: {
        parameters: {
            query?: never;
            header: {
                /** @description Stable across retries of one event: deduplicate on it */
                "X-Delivery-Id": string;
                /** @description The event name (also in the body) */
                "X-Event": string;
                /** @description sha256=<hex> HMAC of "<timestamp>.<deliveryId>.<body>" with settings.erp.webhookSecret; present when a secret is set */
                "X-Signature"?: string;
                /** @description Unix seconds when this attempt was signed */
                "X-Timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    costUsd?: number;
                    deliveryId: string;
                    entityId?: string | null;
                    entityType?: string | null;
                    error?: string | null;
                    /** @constant */
                    event: "invocation.finished";
                    /** @description The invocation id */
                    id: string;
                    /** Format: date-time */
                    occurredAt: string;
                    organizationId: string;
                    output?: Record<string, never> | null;
                    persona?: string;
                    skill: string;
                    /** @enum {string} */
                    status: "completed" | "failed";
                    triggeredBy?: string;
                    version?: string | null;
                };
            };
        };
        responses: {
            /** @description Received. Any 2xx counts; 5xx, 408, 429 and network errors are retried with backoff (12 attempts, after Retry-After when given); other answers, redirects included, are final */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    issuePullRequestOpened: {
        parameters: {
            query?: never;
            header: {
                /** @description Stable across retries of one event: deduplicate on it */
                "X-Delivery-Id": string;
                /** @description The event name (also in the body) */
                "X-Event": string;
                /** @description sha256=<hex> HMAC of "<timestamp>.<deliveryId>.<body>" with settings.erp.webhookSecret; present when a secret is set */
                "X-Signature"?: string;
                /** @description Unix seconds when this attempt was signed */
                "X-Timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: date-time
                     * @description When that wait expires
                     */
                    deadline?: string;
                    deliveryId: string;
                    error?: string | null;
                    /** @enum {string} */
                    event: "issue.status_changed" | "issue.pull_request_opened";
                    /** @description The ERP's issue id */
                    externalId: string;
                    /** @description Our issue id */
                    id: string;
                    /** @description Our status (awaiting_approval, …) */
                    internalStatus: string;
                    /** Format: date-time */
                    occurredAt: string;
                    organizationId: string;
                    /** @description While a person is owed something: what, and until when */
                    pending?: {
                        budgetUsd?: number;
                        /** Format: date-time */
                        deadline?: string;
                        draftAnswer?: string | null;
                        /** @enum {string} */
                        gate?: "plan" | "final";
                        /** @enum {string} */
                        kind?: "approval" | "question" | "budget";
                        question?: string;
                        questionId?: string;
                        spentUsd?: number;
                    };
                    pullRequestUrl?: string;
                    source: string;
                    stage?: string;
                    /** @enum {string} */
                    status: "PENDING" | "QUEUED" | "PROCESSING" | "REVIEW" | "COMPLETED" | "FAILED" | "CANCELLED";
                    summary?: string;
                    /** @description While a person is owed something: what (plan approval, an answer, …) */
                    waitingFor?: string;
                };
            };
        };
        responses: {
            /** @description Received. Any 2xx counts; 5xx, 408, 429 and network errors are retried with backoff (12 attempts, after Retry-After when given); other answers, redirects included, are final */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    issueStatusChanged: {
        parameters: {
            query?: never;
            header: {
                /** @description Stable across retries of one event: deduplicate on it */
                "X-Delivery-Id": string;
                /** @description The event name (also in the body) */
                "X-Event": string;
                /** @description sha256=<hex> HMAC of "<timestamp>.<deliveryId>.<body>" with settings.erp.webhookSecret; present when a secret is set */
                "X-Signature"?: string;
                /** @description Unix seconds when this attempt was signed */
                "X-Timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: date-time
                     * @description When that wait expires
                     */
                    deadline?: string;
                    deliveryId: string;
                    error?: string | null;
                    /** @enum {string} */
                    event: "issue.status_changed" | "issue.pull_request_opened";
                    /** @description The ERP's issue id */
                    externalId: string;
                    /** @description Our issue id */
                    id: string;
                    /** @description Our status (awaiting_approval, …) */
                    internalStatus: string;
                    /** Format: date-time */
                    occurredAt: string;
                    organizationId: string;
                    /** @description While a person is owed something: what, and until when */
                    pending?: {
                        budgetUsd?: number;
                        /** Format: date-time */
                        deadline?: string;
                        draftAnswer?: string | null;
                        /** @enum {string} */
                        gate?: "plan" | "final";
                        /** @enum {string} */
                        kind?: "approval" | "question" | "budget";
                        question?: string;
                        questionId?: string;
                        spentUsd?: number;
                    };
                    pullRequestUrl?: string;
                    source: string;
                    stage?: string;
                    /** @enum {string} */
                    status: "PENDING" | "QUEUED" | "PROCESSING" | "REVIEW" | "COMPLETED" | "FAILED" | "CANCELLED";
                    summary?: string;
                    /** @description While a person is owed something: what (plan approval, an answer, …) */
                    waitingFor?: string;
                };
            };
        };
        responses: {
            /** @description Received. Any 2xx counts; 5xx, 408, 429 and network errors are retried with backoff (12 attempts, after Retry-After when given); other answers, redirects included, are final */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    notification: {
        parameters: {
            query?: never;
            header: {
                /** @description Stable across retries of one event: deduplicate on it */
                "X-Delivery-Id": string;
                /** @description The event name (also in the body) */
                "X-Event": string;
                /** @description The notice (the same id on every channel it goes to) */
                "X-Event-Id": string;
                /** @description sha256=<hex> HMAC of "<timestamp>.<deliveryId>.<body>" with settings.notifications.webhook.secret */
                "X-Signature": string;
                /** @description Unix seconds when this attempt was signed */
                "X-Timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description What is awaited: "final approval", "an answer", "a budget raise" */
                    awaiting: string | null;
                    /**
                     * Format: date-time
                     * @description When the wait expires (the issue then ends)
                     */
                    deadline: string | null;
                    /** @description notification:<eventId>:webhook, as X-Delivery-Id */
                    deliveryId: string;
                    /** @enum {string} */
                    event: "notification.reminder" | "notification.escalation" | "notification.approval_needed" | "notification.question_asked";
                    /** @description The notice */
                    eventId: string;
                    /** @enum {string} */
                    gate?: "plan" | "final";
                    issue: {
                        externalId?: string | null;
                        id: string;
                        priority?: string | null;
                        source?: string | null;
                        status?: string | null;
                        /** @description At most 300 characters */
                        title: string;
                        trackingUrl: string;
                    };
                    /** @enum {string} */
                    kind: "reminder" | "escalation" | "approval_needed" | "question_asked";
                    /** @description One line for people (at most 1000 characters) */
                    message: string;
                    /** Format: date-time */
                    occurredAt: string;
                    organizationId: string;
                    /** @description The question asked (at most 2000 characters) */
                    question?: string;
                    questionId?: string;
                    /** @description For an escalation: settings.escalationContacts */
                    recipients: string[];
                };
            };
        };
        responses: {
            /** @description Received. Any 2xx counts; 5xx, 408, 429 and network errors are retried with backoff (12 attempts, after Retry-After when given); other answers, redirects included, are final */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    slackNotification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    blocks: Record<string, never>[];
                    text: string;
                };
            };
        };
        responses: {
            /** @description Received ("ok"). 5xx, 408, 429 and network errors are retried with backoff; other answers are final */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
