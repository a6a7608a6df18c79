// The Slack incoming-webhook message shapes (legacy attachments), shared by the single and the group messages.

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackAttachment {
  color: string;
  title: string;
  text?: string;
  fallback?: string;
  fields: SlackField[];
  footer?: string;
}

export interface SlackMessage {
  text?: string;
  attachments: SlackAttachment[];
}
