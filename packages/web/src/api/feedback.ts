import { App, message as staticMessage, notification as staticNotification, Modal } from 'antd';

type AppApi = ReturnType<typeof App.useApp>;
type MessageInstance = AppApi['message'];
type NotificationInstance = AppApi['notification'];
type ModalHookAPI = AppApi['modal'];

// antd's static methods do not see the ConfigProvider (theme, locale, RTL). The app mounts
// <FeedbackBridge/> inside <App> which hands us the context-aware instances from App.useApp().
interface Feedback {
  message: MessageInstance;
  notification: NotificationInstance;
  modal: ModalHookAPI | null;
}

const feedback: Feedback = {
  message: staticMessage,
  notification: staticNotification,
  modal: null,
};

export function setFeedback(next: Feedback): void {
  feedback.message = next.message;
  feedback.notification = next.notification;
  feedback.modal = next.modal;
}

export function getMessage(): MessageInstance {
  return feedback.message;
}

export function getNotification(): NotificationInstance {
  return feedback.notification;
}

export function getModal(): ModalHookAPI | typeof Modal {
  return feedback.modal ?? Modal;
}
