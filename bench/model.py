"""The benchmark's process, built in code: a none start event, one external task, an end event. Deployed as the
administrator; history time to live as the engine enforces it."""

from engine_client import EngineClient

PROCESS_KEY = "BenchOneTaskProcess"
TASK_ID = "Task_BenchNoop"
TOPIC = "bench-noop"


def one_task_process(key: str = PROCESS_KEY, topic: str = TOPIC) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_{key}" targetNamespace="https://esra.gov.mn/bench">
  <bpmn:process id="{key}" name="Benchmark: one external task" isExecutable="true"
                camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="StartEvent_Started"><bpmn:outgoing>Flow_ToTask</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_ToTask" sourceRef="StartEvent_Started" targetRef="{TASK_ID}" />
    <bpmn:serviceTask id="{TASK_ID}" name="Do nothing" camunda:type="external" camunda:topic="{topic}">
      <bpmn:incoming>Flow_ToTask</bpmn:incoming><bpmn:outgoing>Flow_ToEnd</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_ToEnd" sourceRef="{TASK_ID}" targetRef="EndEvent_Done" />
    <bpmn:endEvent id="EndEvent_Done"><bpmn:incoming>Flow_ToEnd</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
""".encode()


async def deploy(admin: EngineClient, key: str = PROCESS_KEY, topic: str = TOPIC) -> str:
    """Deploy (unchanged: the same definition again); returns the process definition id."""
    files = [("model", (f"{key}.bpmn", one_task_process(key, topic)))]
    await admin.request("POST", "/deployment/create", files=files, data={
        "deployment-name": "bench", "enable-duplicate-filtering": "true", "deploy-changed-only": "true"})
    definition = await admin.request("GET", f"/process-definition/key/{key}")
    return str(definition["id"])
