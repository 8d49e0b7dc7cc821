import { SetupForm } from "./setup-form";

export default function SetupPage() {
  return <SetupForm />;
}
